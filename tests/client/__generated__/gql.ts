/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment WorkoutSummary on Workout {\n    id\n    sport\n    startTime\n    distanceMeters\n    source { provider }\n  }\n": typeof types.WorkoutSummaryFragmentDoc,
    "\n  query UserWorkouts($id: ID!, $from: LocalDate!, $to: LocalDate!, $first: Int!, $after: String) {\n    user(id: $id) {\n      id\n      externalId\n      workouts(from: $from, to: $to, first: $first, after: $after) {\n        edges { cursor node { ...WorkoutSummary } }\n        pageInfo { hasNextPage endCursor }\n      }\n    }\n  }\n": typeof types.UserWorkoutsDocument,
    "\n  query WorkoutNode($id: ID!) {\n    node(id: $id) {\n      id\n      ... on Workout { ...WorkoutSummary }\n    }\n  }\n": typeof types.WorkoutNodeDocument,
    "\n  query UserDays($id: ID!, $from: LocalDate!, $to: LocalDate!) {\n    user(id: $id) {\n      id\n      days(from: $from, to: $to) {\n        date\n        workouts { id sport distanceMeters source { provider device } }\n        sleep { id totalSleepSeconds score source { provider device } }\n      }\n    }\n  }\n": typeof types.UserDaysDocument,
    "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) { id externalId createdAt }\n  }\n": typeof types.CreateUserDocument,
    "\n  query FirstUsers($first: Int!) {\n    users(first: $first) { edges { node { id externalId } } }\n  }\n": typeof types.FirstUsersDocument,
    "\n  query MyDays($from: LocalDate!, $to: LocalDate!) {\n    me {\n      id\n      externalId\n      days(from: $from, to: $to) {\n        date\n        workouts { id distanceMeters source { provider } }\n        sleep { id totalSleepSeconds }\n      }\n    }\n  }\n": typeof types.MyDaysDocument,
    "\n  query OtherUser($id: ID!) {\n    user(id: $id) { id externalId }\n  }\n": typeof types.OtherUserDocument,
};
const documents: Documents = {
    "\n  fragment WorkoutSummary on Workout {\n    id\n    sport\n    startTime\n    distanceMeters\n    source { provider }\n  }\n": types.WorkoutSummaryFragmentDoc,
    "\n  query UserWorkouts($id: ID!, $from: LocalDate!, $to: LocalDate!, $first: Int!, $after: String) {\n    user(id: $id) {\n      id\n      externalId\n      workouts(from: $from, to: $to, first: $first, after: $after) {\n        edges { cursor node { ...WorkoutSummary } }\n        pageInfo { hasNextPage endCursor }\n      }\n    }\n  }\n": types.UserWorkoutsDocument,
    "\n  query WorkoutNode($id: ID!) {\n    node(id: $id) {\n      id\n      ... on Workout { ...WorkoutSummary }\n    }\n  }\n": types.WorkoutNodeDocument,
    "\n  query UserDays($id: ID!, $from: LocalDate!, $to: LocalDate!) {\n    user(id: $id) {\n      id\n      days(from: $from, to: $to) {\n        date\n        workouts { id sport distanceMeters source { provider device } }\n        sleep { id totalSleepSeconds score source { provider device } }\n      }\n    }\n  }\n": types.UserDaysDocument,
    "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) { id externalId createdAt }\n  }\n": types.CreateUserDocument,
    "\n  query FirstUsers($first: Int!) {\n    users(first: $first) { edges { node { id externalId } } }\n  }\n": types.FirstUsersDocument,
    "\n  query MyDays($from: LocalDate!, $to: LocalDate!) {\n    me {\n      id\n      externalId\n      days(from: $from, to: $to) {\n        date\n        workouts { id distanceMeters source { provider } }\n        sleep { id totalSleepSeconds }\n      }\n    }\n  }\n": types.MyDaysDocument,
    "\n  query OtherUser($id: ID!) {\n    user(id: $id) { id externalId }\n  }\n": types.OtherUserDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WorkoutSummary on Workout {\n    id\n    sport\n    startTime\n    distanceMeters\n    source { provider }\n  }\n"): (typeof documents)["\n  fragment WorkoutSummary on Workout {\n    id\n    sport\n    startTime\n    distanceMeters\n    source { provider }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UserWorkouts($id: ID!, $from: LocalDate!, $to: LocalDate!, $first: Int!, $after: String) {\n    user(id: $id) {\n      id\n      externalId\n      workouts(from: $from, to: $to, first: $first, after: $after) {\n        edges { cursor node { ...WorkoutSummary } }\n        pageInfo { hasNextPage endCursor }\n      }\n    }\n  }\n"): (typeof documents)["\n  query UserWorkouts($id: ID!, $from: LocalDate!, $to: LocalDate!, $first: Int!, $after: String) {\n    user(id: $id) {\n      id\n      externalId\n      workouts(from: $from, to: $to, first: $first, after: $after) {\n        edges { cursor node { ...WorkoutSummary } }\n        pageInfo { hasNextPage endCursor }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkoutNode($id: ID!) {\n    node(id: $id) {\n      id\n      ... on Workout { ...WorkoutSummary }\n    }\n  }\n"): (typeof documents)["\n  query WorkoutNode($id: ID!) {\n    node(id: $id) {\n      id\n      ... on Workout { ...WorkoutSummary }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UserDays($id: ID!, $from: LocalDate!, $to: LocalDate!) {\n    user(id: $id) {\n      id\n      days(from: $from, to: $to) {\n        date\n        workouts { id sport distanceMeters source { provider device } }\n        sleep { id totalSleepSeconds score source { provider device } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query UserDays($id: ID!, $from: LocalDate!, $to: LocalDate!) {\n    user(id: $id) {\n      id\n      days(from: $from, to: $to) {\n        date\n        workouts { id sport distanceMeters source { provider device } }\n        sleep { id totalSleepSeconds score source { provider device } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) { id externalId createdAt }\n  }\n"): (typeof documents)["\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) { id externalId createdAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FirstUsers($first: Int!) {\n    users(first: $first) { edges { node { id externalId } } }\n  }\n"): (typeof documents)["\n  query FirstUsers($first: Int!) {\n    users(first: $first) { edges { node { id externalId } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyDays($from: LocalDate!, $to: LocalDate!) {\n    me {\n      id\n      externalId\n      days(from: $from, to: $to) {\n        date\n        workouts { id distanceMeters source { provider } }\n        sleep { id totalSleepSeconds }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MyDays($from: LocalDate!, $to: LocalDate!) {\n    me {\n      id\n      externalId\n      days(from: $from, to: $to) {\n        date\n        workouts { id distanceMeters source { provider } }\n        sleep { id totalSleepSeconds }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OtherUser($id: ID!) {\n    user(id: $id) { id externalId }\n  }\n"): (typeof documents)["\n  query OtherUser($id: ID!) {\n    user(id: $id) { id externalId }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;