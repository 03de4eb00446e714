/** The time and duration formats of the products' response samples. */

/** "2024-12-02T07:52:25Z" (Microsoft 365, IaaS + PaaS, Salesforce samples). */
export const isoSeconds = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** "2022-08-19T03:12:43.823Z" (Dynamics 365 sample). */
export const isoMillis = (ms: number): string => new Date(ms).toISOString();

/** "2024-10-09T05:34:31+00:00" or "2024-10-09T05:50:36.008+00:00" (Google Workspace sample). */
export const isoOffset = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z').replace(/Z$/, '+00:00');

/** A .NET TimeSpan without fractions: "00:04:01", "1.16:00:44" (IaaS + PaaS sample). */
export function timeSpan(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86_400);
  const pad = (n: number) => String(n).padStart(2, '0');
  const clock = `${pad(Math.floor((total % 86_400) / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
  return days > 0 ? `${days}.${clock}` : clock;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
