/**
 * Golden cases for every score. Each expected value is worked out by hand in the comments and
 * written as a literal; the arithmetic is repeated with Math only where a literal would hide it.
 */
import { buildHistory } from '../../src/scores/history.js';
import { hrvStatusScore } from '../../src/scores/hrv-status.js';
import { DEFAULT_SCORE_PARAMETERS, parseScoreParameters } from '../../src/scores/parameters.js';
import { recoveryScore } from '../../src/scores/recovery.js';
import { sleepRegularityIndex, sleepScore } from '../../src/scores/sleep.js';
import { dayStrain, strainSeries } from '../../src/scores/strain.js';
import { stressScore } from '../../src/scores/stress.js';
import { vo2maxScore } from '../../src/scores/vo2max.js';
import { computeScores } from '../../src/scores/index.js';
import { addLocalDays } from '../../src/normalize/time.js';
import { PRIORITY, dates, recovery, records, samples, sleep, workout } from './fixtures.js';

const P = DEFAULT_SCORE_PARAMETERS;
const component = (r: { components: { name: string; value: number | null; weight: number | null; reason?: string | null }[] }, name: string) => r.components.find((c) => c.name === name)!;

describe('sleep score (golden)', () => {
  // In bed 23:00-07:00 (8 h), asleep 6 h, deep 30 min, REM 60 min, latency 20 min.
  // Hypnogram: AWAKE 20, LIGHT 160, AWAKE 30, DEEP 60, AWAKE 4, REM 120, AWAKE 10, LIGHT 56, AWAKE 20 (minutes).
  const minutes = [['AWAKE', 20], ['LIGHT', 160], ['AWAKE', 30], ['DEEP', 60], ['AWAKE', 4], ['REM', 120], ['AWAKE', 10], ['LIGHT', 56], ['AWAKE', 20]] as const;
  let t = Date.parse('2026-03-09T23:00:00Z');
  const hypnogram = minutes.map(([stage, m]) => {
    const entry = { start: new Date(t).toISOString(), durationSeconds: m * 60, stage };
    t += m * 60_000;
    return entry;
  });
  const night = sleep('2026-03-10', { totalSleepSeconds: 6 * 3600, deepSleepSeconds: 1800, remSleepSeconds: 3600, latencySeconds: 1200, hypnogram });

  it('scores one night with hand-computed components, regularity missing and re-weighted', () => {
    const result = sleepScore(buildHistory(records({ sleeps: [night] }), PRIORITY), '2026-03-10', P);
    // duration, 6 h < 7 h: 100·(1+e^{-1.5·(7-5)})/(1+e^{-1.5·(6-5)}) = 100·1.049787/1.223130 = 85.828
    expect(component(result, 'duration').value).toBe(85.8);
    // efficiency 6/8 = 75 %: (75-65)/(90-65)·100 = 40
    expect(component(result, 'efficiency').value).toBe(40);
    // WASO between first and last sleep stage = 30 + 4 + 10 = 44 min -> 80·(1-(44-20)/70) = 52.571;
    // awakenings > 5 min: 30 and 10 = 2 -> 20·0.75 = 15; continuity = 67.571
    expect(component(result, 'continuity').value).toBe(67.6);
    // stages: deep 0.5/6 = 8.333 % of 13 % -> 64.103; REM 1/6 = 16.667 % of 20 % -> 83.333; mean 73.718
    expect(component(result, 'stages').value).toBe(73.7);
    // latency 20 min: (20-60)/(15-60)·100 = 88.889
    expect(component(result, 'latency').value).toBe(88.9);
    // regularity: no earlier nights -> missing, weights re-shared over 0.85
    expect(component(result, 'regularity')).toMatchObject({ value: null, weight: null });
    expect(component(result, 'duration').weight).toBeCloseTo(0.35 / 0.85, 4);
    // (0.35·85.828 + 0.20·40 + 0.15·67.571 + 0.10·73.718 + 0.05·88.889)/0.85 = 59.992/0.85 = 70.58 -> 71
    const byHand = (0.35 * 85.8278 + 0.2 * 40 + 0.15 * 67.5714 + 0.1 * 73.7179 + 0.05 * 88.8889) / 0.85;
    expect(Math.round(byHand)).toBe(71);
    expect(result.value).toBe(71);
    expect(result.inputs[0]).toMatchObject({ table: 'SleepSession', id: night.id, provider: 'OURA', device: 'Oura Ring Gen3' });
    expect(result.coverage).toEqual({ have: 5, need: 6, unit: 'components' });
  });

  it('is null with a reason without a main sleep (a nap does not count)', () => {
    const nap = sleep('2026-03-10', { type: 'NAP' }, '13:00', 1);
    const result = sleepScore(buildHistory(records({ sleeps: [nap] }), PRIORITY), '2026-03-10', P);
    expect(result.value).toBeNull();
    expect(result.reason).toMatch(/no main sleep/);
  });

  it('computes the Sleep Regularity Index over 8 noon-to-noon windows', () => {
    // 8 nights 23:00-07:00, except the night of 03-07 at 02:00-10:00 (3 h later).
    // Pairs (03-06, 03-07) and (03-07, 03-08) each differ in 36 + 36 five-minute epochs.
    // SRI = -100 + 200/(288·7)·(2016 - 144) = -100 + 185.714 = 85.714
    const nights = dates('2026-03-03', 8).map((d) => sleep(d));
    nights[4] = { ...nights[4], startTime: Date.parse('2026-03-07T02:00:00Z'), endTime: Date.parse('2026-03-07T10:00:00Z') };
    const history = buildHistory(records({ sleeps: nights }), PRIORITY);
    const tonight = nights.at(-1)!;
    const { sri, pairs } = sleepRegularityIndex(history, tonight, '2026-03-10', P.sleep.regularity);
    expect(pairs).toBe(7);
    expect(sri).toBeCloseTo(-100 + (200 / (288 * 7)) * (2016 - 144), 6);
    expect(sri).toBeCloseTo(85.714, 3);
    // regularity component: (85.714-40)/(90-40)·100 = 91.43
    expect(component(sleepScore(history, '2026-03-10', P), 'regularity').value).toBe(91.4);
  });
});

describe('recovery score (golden)', () => {
  // Baseline nights: ln RMSSD 3.8 3.9 4.0 4.1 4.2 3.9 4.1 (mean 4.0, SD √(0.12/6) = 0.141421);
  // resting HR 50 52 54 52 50 54 52 (mean 52, SD √(16/6) = 1.632993).
  const lns = [3.8, 3.9, 4.0, 4.1, 4.2, 3.9, 4.1];
  const rhrs = [50, 52, 54, 52, 50, 54, 52];
  const baseline = dates('2026-03-03', 7).map((d, i) => recovery(d, { hrvRmssdMs: Math.exp(lns[i]), restingHeartRateBpm: rhrs[i] }));
  const tonight = recovery('2026-03-10', { hrvRmssdMs: Math.exp(4.2), restingHeartRateBpm: 55, skinTemperatureDeviationCelsius: 0.45 });

  it('combines z-scores through the logistic curve', () => {
    const result = recoveryScore(buildHistory(records({ recoveries: [...baseline, tonight] }), PRIORITY), '2026-03-10', P, 85);
    // zHRV = (4.2-4.0)/0.141421 = 1.414214; zRHR = -(55-52)/1.632993 = -1.837117;
    // zSleep = (85-70)/15 = 1; zTemp = -max(0, 0.45-0.3)/0.3 = -0.5; breathing missing.
    expect(component(result, 'hrv').value).toBeCloseTo(1.414, 3);
    expect(component(result, 'restingHeartRate').value).toBeCloseTo(-1.837, 3);
    expect(component(result, 'sleep').value).toBe(1);
    expect(component(result, 'temperature').value).toBe(-0.5);
    expect(component(result, 'breathing').value).toBeNull();
    // z = (0.45·1.414214 - 0.30·1.837117 + 0.25·1 - 0.05·0.5)/1.05 = 0.310261/1.05 = 0.295487
    expect(component(result, 'combinedZ').value).toBeCloseTo(0.295, 3);
    // 100/(1+e^{-(1.2·0.295487+0.8)}) = 100/(1+e^{-1.154584}) = 100/1.315184 = 76.03 -> 76
    expect(result.value).toBe(76);
    expect(result.baselines[0]).toMatchObject({ metric: 'lnRmssd', mean: 4, sd: 0.141, n: 7, source: 'OURA' });
    expect(result.baselines[1]).toMatchObject({ metric: 'restingHeartRate', mean: 52, sd: 1.6, n: 7 });
  });

  it('is null with "4 of 7 baseline nights" before the baseline is long enough', () => {
    const result = recoveryScore(buildHistory(records({ recoveries: [...baseline.slice(3), tonight] }), PRIORITY), '2026-03-10', P, 85);
    expect(result.value).toBeNull();
    expect(result.reason).toBe('4 of 7 baseline nights (OURA)');
    expect(result.coverage).toEqual({ have: 4, need: 7, unit: 'nights' });
  });

  it('never mixes providers in a baseline: Polar nights do not count for an Oura night', () => {
    const polar = baseline.map((r) => ({ ...r, provider: 'POLAR' }));
    const result = recoveryScore(buildHistory(records({ recoveries: [...polar.slice(0, 6), ...baseline.slice(4), tonight] }), PRIORITY), '2026-03-10', P, 85);
    expect(result.reason).toBe('3 of 7 baseline nights (OURA)');
  });
});

describe('strain and training load (golden)', () => {
  const male = parseScoreParameters({ source: 'test', value: { profile: { sex: 'male' } } });
  // Resting HR 50 on each of the last 7 nights; a 30-minute run with max HR 190, samples every
  // 60 s at 150 bpm (31 samples, 30 intervals).
  const nights = dates('2026-03-04', 7).map((d) => recovery(d, { restingHeartRateBpm: 50 }));
  const run = workout('2026-03-10', '10:00', 30, { maxHeartRateBpm: 190 });
  const hr = samples('2026-03-10T10:00:00', 31, 60, 150);

  it('TRIMP from samples and the log strain curve', () => {
    const { result, load } = dayStrain(buildHistory(records({ recoveries: nights, workouts: [run], heartRate: hr }), PRIORITY), '2026-03-10', male);
    // HRr = (150-50)/(190-50) = 0.714286; TRIMP = 30·0.714286·0.64·e^{1.92·0.714286} = 13.714286·3.940979 = 54.048
    expect(load).toBeCloseTo(30 * (100 / 140) * 0.64 * Math.exp(1.92 * (100 / 140)), 9);
    expect(load).toBeCloseTo(54.048, 3);
    // strain = 21·ln(1+54.048/40)/ln(1+450/40) = 21·0.854936/2.505526 = 7.166 -> 7.2 (light)
    expect(result.value).toBe(7.2);
    expect(result.status).toBe('LIGHT');
    expect(result.coverage).toEqual({ have: 1, need: 1, unit: 'workouts with heart rate' });
  });

  it('is null with a reason without a resting heart rate', () => {
    const { result, load } = dayStrain(buildHistory(records({ workouts: [run], heartRate: hr }), PRIORITY), '2026-03-10', male);
    expect(result.value).toBeNull();
    expect(result.reason).toBe('no resting heart rate in the last 7 nights');
    expect(load).toBeNull();
  });

  it('continues the acute/chronic series from stored loads', () => {
    // Prior loads 100 (03-01) and 0 (03-02); 03-03 cannot be scored (no records): load 0.
    // seed = mean(100, 0, 0) = 33.3333; kA = 1-e^{-1/7} = 0.133122; kC = 1-e^{-1/42} = 0.023528
    // 03-01: ATL 33.3333+66.6667·0.133122 = 42.2081, CTL 33.3333+66.6667·0.023528 = 34.9019
    // 03-02: ATL 36.5893, CTL 34.0807;  03-03: form = 34.0807-36.5893 = -2.5086, ATL 31.7184, CTL 33.2789
    // ratio EWMA λ 0.25 / 0.068966: acute 50, 37.5, 28.125; chronic 37.9310, 35.3151, 32.8796 -> 0.855
    const [day] = strainSeries(buildHistory(records(), PRIORITY), '2026-03-03', '2026-03-03', P, new Map([['2026-03-01', 100], ['2026-03-02', 0]]));
    expect(day.value).toBeNull();
    expect(day.trainingLoad).toEqual({ dailyLoad: 0, acute: 31.7, chronic: 33.3, form: -2.5, acuteChronicRatio: 0.855, historyDays: 3 });
  });
});

describe('stress (golden)', () => {
  // Baseline: 7 days, each 24 five-minute epochs 09:00-11:00, half at 60 and half at 70 bpm:
  // 168 epochs, median 65, SD √(168·25/167) = 5.014955.
  const baselineHr = dates('2026-03-03', 7).flatMap((d) => samples(`${d}T09:00:00`, 24, 300, (i) => (i % 2 ? 70 : 60)));
  // Today: 12 epochs at 60 then 12 at 70 (09:00-11:00); a workout 12:00-13:00 at 150 and the
  // hour after at 100 (excluded), and a sleep sample (excluded).
  const today = [
    ...samples('2026-03-10T09:00:00', 24, 300, (i) => (i < 12 ? 60 : 70)),
    ...samples('2026-03-10T12:00:00', 12, 300, 150),
    ...samples('2026-03-10T13:00:00', 12, 300, 100),
    ...samples('2026-03-10T03:00:00', 1, 300, 45, { context: 'sleep' }),
  ];
  const run = workout('2026-03-10', '12:00', 60);

  it('scores epochs against the inactive baseline with minutes per band', () => {
    const result = stressScore(buildHistory(records({ heartRate: [...baselineHr, ...today], workouts: [run] }), PRIORITY), '2026-03-10', P);
    // 60 bpm: 50 + 25·(60-65)/5.014955 = 25.075 (rest, < 26); 70 bpm: 74.925 (medium, 51-75)
    // mean = 50.0 -> 50 (low); minutes: rest 60, medium 60
    expect(result.value).toBe(50);
    expect(result.status).toBe('LOW');
    expect(result.stressMinutes).toEqual({ rest: 60, low: 0, medium: 60, high: 0 });
    expect(result.baselines[0]).toMatchObject({ mean: 65, sd: 5, n: 7, source: 'POLAR' });
    expect(result.coverage).toEqual({ have: 120, need: 120, unit: 'minutes' });
  });

  it('is null with a reason when the day has too little valid heart rate', () => {
    const result = stressScore(buildHistory(records({ heartRate: [...baselineHr, ...today.slice(0, 10)] }), PRIORITY), '2026-03-10', P);
    expect(result.value).toBeNull();
    expect(result.reason).toBe('50 of 120 minutes of valid daytime heart rate (POLAR)');
  });
});

describe('HRV status and resilience (golden)', () => {
  // Window (03-04..03-10) ln RMSSD 3.8 4.2 3.9 4.3 4.0 4.1 4.4: mean 4.1, SD √(0.28/6) = 0.216025,
  // CV = 5.2689 % -> resilience (5.2689-10)/(2-10)·100 = 59.14 -> 59.
  // Reference: 14 nights before the window alternating 3.9/4.1: mean 4.0, SD √(0.14/13) = 0.103775,
  // band 4.0 ± 0.051887 -> 4.1 is ABOVE.
  const window = [3.8, 4.2, 3.9, 4.3, 4.0, 4.1, 4.4];
  const nights = [
    ...dates('2026-02-18', 14).map((d, i) => recovery(d, { hrvRmssdMs: Math.exp(i % 2 ? 4.1 : 3.9) })),
    ...dates('2026-03-04', 7).map((d, i) => recovery(d, { hrvRmssdMs: Math.exp(window[i]) })),
  ];

  it('gives the band and the resilience score', () => {
    const result = hrvStatusScore(buildHistory(records({ recoveries: nights }), PRIORITY), '2026-03-10', P);
    expect(component(result, 'lnRmssdMean7').value).toBeCloseTo(4.1, 6);
    expect(component(result, 'lnRmssdCvPercent').value).toBe(5.27);
    expect(result.value).toBe(59);
    expect(result.status).toBe('ABOVE');
    expect(component(result, 'bandHigh').value).toBeCloseTo(4.052, 3);
    expect(result.baselines[0]).toMatchObject({ n: 14, mean: 4, sd: 0.104 });
  });

  it('is null with "4 of 5 nights" when the week is short', () => {
    const result = hrvStatusScore(buildHistory(records({ recoveries: nights.filter((n) => n.localDate < '2026-03-04' || n.localDate > '2026-03-06') }), PRIORITY), '2026-03-10', P);
    expect(result.value).toBeNull();
    expect(result.reason).toBe('4 of 5 nights with HRV in the last 7 (OURA)');
  });
});

describe('VO2max estimate (golden)', () => {
  const nights = dates('2026-03-04', 7).map((d) => recovery(d, { restingHeartRateBpm: 50 }));
  // Three steady 30-minute runs: 150, 200, 250 m/min at 140, 155, 170 bpm -> HR = 95 + 0.3·v.
  const runs = [
    workout('2026-03-05', '08:00', 30, { distanceMeters: 4500, averageHeartRateBpm: 140, maxHeartRateBpm: 160 }),
    workout('2026-03-07', '08:00', 30, { distanceMeters: 6000, averageHeartRateBpm: 155, maxHeartRateBpm: 175 }),
    workout('2026-03-09', '08:00', 30, { distanceMeters: 7500, averageHeartRateBpm: 170, maxHeartRateBpm: 190 }),
  ];
  const oura = { id: 'v1', provider: 'OURA', device: null, localDate: '2026-03-08', vo2MaxMlPerKgMin: 45 };

  it('gives the speed estimate, the ratio estimate and the provider estimate beside', () => {
    const result = vo2maxScore(buildHistory(records({ recoveries: nights, workouts: runs, providerVo2: [oura] }), PRIORITY), '2026-03-10', P);
    // ratio: 15.3·190/50 = 58.14 -> 58.1
    expect(component(result, 'heartRateRatio').value).toBe(58.1);
    // v at HRmax 190 = (190-95)/0.3 = 316.667 m/min; 3.5 + 0.2·316.667 = 66.83 -> 66.8
    expect(component(result, 'speedAtMaxHeartRate').value).toBeCloseTo(316.667, 3);
    expect(result.value).toBe(66.8);
    expect(result.providerEstimates).toEqual([{ provider: 'OURA', device: null, localDate: '2026-03-08', value: 45 }]);
  });

  it('falls back to the ratio method with fewer than 3 steady runs, and to null without resting HR', () => {
    const twoRuns = vo2maxScore(buildHistory(records({ recoveries: nights, workouts: runs.slice(1) }), PRIORITY), '2026-03-10', P);
    expect(twoRuns.value).toBe(58.1);
    expect(component(twoRuns, 'speedMethod').reason).toBe('2 of 3 steady runs in the last 30 days');
    const none = vo2maxScore(buildHistory(records({ workouts: runs }), PRIORITY), '2026-03-10', P);
    expect(none.value).toBeNull();
    expect(none.reason).toBe('0 of 3 nights with a resting heart rate in the last 7');
  });
});

describe('computeScores', () => {
  it('answers every kind for every date, nulls with reasons on the first days', () => {
    const recs = records({ recoveries: dates('2026-03-01', 10).map((d, i) => recovery(d, { hrvRmssdMs: 40 + i, restingHeartRateBpm: 50 })) });
    const results = computeScores(recs, P, { from: '2026-03-01', to: '2026-03-10', priority: PRIORITY });
    expect(results).toHaveLength(60);
    const first = results.filter((r) => r.date === '2026-03-01');
    expect(first.map((r) => r.kind).sort()).toEqual(['hrvStatus', 'recovery', 'sleep', 'strain', 'stress', 'vo2max']);
    for (const r of first) {
      expect(r.value).toBeNull();
      expect(r.reason).toEqual(expect.any(String));
    }
    expect(results.find((r) => r.kind === 'recovery' && r.date === addLocalDays('2026-03-01', 7))!.value).toEqual(expect.any(Number));
  });
});
