/** Prompts: ready-made conversations that walk the model through the tools in a sensible order. */
import type { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod/v4';
import { addLocalDays } from '../normalize/time.js';
import type { McpCall } from './context.js';
import { localDate } from './tool.js';

const userArg = z.string().max(200).optional().describe('The user (global ID or externalId); leave out with a user token.');
const message = (text: string) => ({ messages: [{ role: 'user' as const, content: { type: 'text' as const, text } }] });
const who = (user?: string) => (user ? `user "${user}"` : 'my user');

export function registerPrompts(server: McpServer, call: McpCall) {
  server.registerPrompt(
    'weekly_review',
    { title: 'Weekly review', description: 'Review one week of sleep, recovery and training against the person\'s own baseline.', argsSchema: z.object({ user: userArg, week_ending: localDate.optional().describe('Last day of the week (default today).') }) },
    ({ user, week_ending }) => {
      const to = week_ending ?? call.today;
      const from = addLocalDays(to, -6);
      return message(
        `Write a weekly review for ${who(user)} covering ${from} to ${to}.\n` +
          `1. Call days_summary (user, from ${from}, to ${to}) for the week.\n` +
          `2. Call periods_compare with period_a = the week before (${addLocalDays(from, -7)}..${addLocalDays(from, -1)}) and period_b = this week.\n` +
          `3. Call anomalies_list for ${from}..${to} and trends_get (window_days 30) for hrv_rmssd_ms and sleep_total_hours.\n` +
          `4. Read the resource users://<user_id>/profile for the person's usual sleep window and training volume.\n` +
          'Then summarise in at most 8 bullet points: sleep (duration, timing vs usual), recovery (HRV, resting HR vs baseline), training (volume by sport vs usual), anything flagged, and one concrete suggestion for next week. ' +
          'Quote numbers with units and name the provider when it matters; say plainly where data is missing instead of guessing.',
      );
    },
  );

  server.registerPrompt(
    'training_readiness_check',
    { title: 'Training readiness check', description: 'Is today a day for hard training, easy training or rest?', argsSchema: z.object({ user: userArg, date: localDate.optional().describe('The day (default today).') }) },
    ({ user, date }) => {
      const day = date ?? call.today;
      return message(
        `Assess training readiness for ${who(user)} on ${day}.\n` +
          `1. Call recovery_daily and scores_get for ${addLocalDays(day, -6)}..${day}.\n` +
          `2. Call anomalies_list for metrics hrv_rmssd_ms, resting_hr_bpm, sleep_total_hours, breathing_rate_per_min, skin_temp_deviation_c over ${addLocalDays(day, -2)}..${day}.\n` +
          `3. Call workouts_list for ${addLocalDays(day, -6)}..${day} for recent load.\n` +
          'Answer with one of: train hard / train easy / rest, followed by the evidence (each value against its baseline, with units and provider) and how confident you are given the data coverage. ' +
          'Low HRV together with raised resting heart rate for two or more nights weighs more than a single number.',
      );
    },
  );

  server.registerPrompt(
    'data_coverage_audit',
    { title: 'Data coverage audit', description: 'Which providers and days have which data, and what is missing.', argsSchema: z.object({ user: userArg, days: z.string().regex(/^\d{1,3}$/).optional().describe('How many days back (default 30, at most 366).') }) },
    ({ user, days }) => {
      const n = Math.min(366, Math.max(1, Number(days ?? 30)));
      return message(
        `Audit the data coverage of ${who(user)} over the last ${n} days.\n` +
          `1. Call coverage_get with from ${addLocalDays(call.today, -(n - 1))} and to ${call.today}.\n` +
          '2. For each connection, report its status, last sync and any error; for each data type and provider, the share of days with data and the missing ranges.\n' +
          '3. Point out what the gaps make unreliable (e.g. anomalies need 14 baseline days, trends need half the window) and what to fix (reconnect, wear the device at night, resync a range).',
      );
    },
  );
}
