import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { expect } from 'vitest';
import { buildWorld, type M365World } from '../../src/simulator/world.js';
import { simulateInsights, type InsightsSimulation } from '../../src/insights/simulator.js';
import { docPage, parseLooseJson, responseSample } from '../support/doc-samples.js';
import type { Harness } from '../support/harness.js';

export const PERMISSION = 'insights.graph.readwrite.all';
export const DOCS = 'main/services-and-features/insights';
export const END_MS = Date.UTC(2025, 5, 1);

export type Sizes = Pick<InsightsSimulation, 'objects' | 'reviewerGroups' | 'activities' | 'googleObjects'>;

/** Feeds a tenant's Insights graph from the simulated world through the producer API, as `meridian seed` does. */
export async function seedInsightsTenant(harness: Harness, tenantId: string, sizes: Sizes, seed = 'insights-test'): Promise<M365World> {
  const world = buildWorld({ tenantId, tenantName: 'Contoso', seed, endMs: END_MS });
  const producer = await harness.producerToken(tenantId);
  for (const batch of simulateInsights({ world, seed, endMs: END_MS, days: 90, ...sizes })) {
    const result = await harness.send('POST', `${harness.regionUrl('us')}/producer/insights/${batch.feed}`, producer, { value: batch.value });
    expect(result.status, `${batch.feed}: ${result.text}`).toBe(200);
  }
  return world;
}

/** Walks a POST read's nextLinks: every row of the request, page by page. */
export async function collectPosted(harness: Harness, url: string, token: string, body: Record<string, unknown>): Promise<{ rows: any[]; pages: number }> {
  const rows: any[] = [];
  let nextLink: string | null | undefined;
  let pages = 0;
  do {
    const page = await harness.send('POST', url, token, { ...body, ...(nextLink ? { nextLink } : {}) });
    expect(page.status, page.text).toBe(200);
    rows.push(...page.body.values);
    nextLink = page.body.nextLink;
    if (++pages > 500) throw new Error('paging does not end');
  } while (nextLink);
  return { rows, pages };
}

/** Polls exportstatus until the job is no longer in progress; returns the last status body. */
export async function waitForExport(harness: Harness, base: string, token: string, jobId: string, timeoutMs = 60_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const status = await harness.get(`${base}/insights/job/${jobId}/exportstatus`, token);
    expect(status.status, status.text).toBe(200);
    if (status.body.jobStatus !== 1) return status.body;
    if (Date.now() > until) throw new Error(`export ${jobId} still in progress after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Downloads an export's file: the raw response and its bytes. */
export async function download(harness: Harness, base: string, token: string, jobId: string) {
  const response = await harness.fetch(`${base}/insights/job/${jobId}/exportfile`, { headers: { authorization: `Bearer ${token}` } });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, bytes };
}

/** Opens the ZIP, then its one XLSX with exceljs: each sheet's header and rows as objects keyed by header. */
export async function readReport(zipBytes: Buffer): Promise<{ fileName: string; sheets: Map<string, { header: string[]; rows: Record<string, unknown>[] }> }> {
  const zip = await JSZip.loadAsync(zipBytes);
  const names = Object.keys(zip.files);
  expect(names).toHaveLength(1);
  expect(names[0]).toMatch(/\.xlsx$/);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await zip.file(names[0]!)!.async('nodebuffer')) as never);
  const sheets = new Map<string, { header: string[]; rows: Record<string, unknown>[] }>();
  workbook.eachSheet((sheet) => {
    const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
    const rows: Record<string, unknown>[] = [];
    sheet.eachRow((row, index) => {
      if (index === 1) return;
      const values = (row.values as unknown[]).slice(1);
      rows.push(Object.fromEntries(header.map((name, column) => [name, values[column] ?? null])));
    });
    sheets.set(sheet.name, { header, rows });
  });
  return { fileName: names[0]!, sheets };
}

/**
 * A page's response sample. Two Insights samples are not JSON as printed: linkSummary.md breaks
 * a string over two lines, siteDetailRecords.md leaves out the comma before each `webUrl`.
 * Those two defects (and only those) are mended before parsing; the fields are the page's own.
 */
export function contractSample(page: string): any {
  try {
    return responseSample(page);
  } catch {
    const text = docPage(page);
    const block = text.slice(text.search(/## Response Sample/i)).split('```')[1] ?? '';
    const mended = block.replace(/(\*+)\n\s+(\*+)/g, '$1$2').replace(/("[^"\n]*")(\s*\/\/[^\n]*)?\n(\s*"webUrl")/g, '$1,$2\n$3');
    const parsed = parseLooseJson(mended);
    if (parsed === undefined) throw new Error(`The response sample of ${page} is not JSON even when mended`);
    return parsed;
  }
}

/** Starts an export, waits for it to finish, downloads and opens its file: what a caller of an export route gets. */
export async function exportReport(harness: Harness, base: string, token: string, path: string): Promise<{ jobId: string; report: Awaited<ReturnType<typeof readReport>>; headers: Headers; size: number }> {
  const started = await harness.get(`${base}${path}`, token);
  expect(started.status, started.text).toBe(200);
  expect(started.body).toEqual({ jobId: expect.stringMatching(/^\d+$/), status: 200, message: '' });
  const status = await waitForExport(harness, base, token, started.body.jobId);
  expect(status, JSON.stringify(status)).toEqual({ jobStatus: 2, status: 200, message: '' });
  const file = await download(harness, base, token, started.body.jobId);
  expect(file.status).toBe(200);
  expect(file.headers.get('content-type')).toBe('application/zip');
  expect(Number(file.headers.get('content-length'))).toBe(file.bytes.length);
  return { jobId: started.body.jobId, report: await readReport(file.bytes), headers: file.headers, size: file.bytes.length };
}
