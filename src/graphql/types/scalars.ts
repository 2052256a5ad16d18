import { DateTimeResolver, JSONResolver, LocalDateResolver, UtcOffsetResolver } from 'graphql-scalars';
import { builder } from '../builder.js';

builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('LocalDate', LocalDateResolver);
builder.addScalarType('UtcOffset', UtcOffsetResolver);
builder.addScalarType('JSON', JSONResolver);
