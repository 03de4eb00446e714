import { PassThrough, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setImmediate, setTimeout as sleep } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import yazl from 'yazl';

export interface ReportColumn {
  header: string;
  key: string;
  width?: number;
}

/** One sheet of a report: its columns and its rows, streamed from the graph. */
export interface ReportSheet {
  name: string;
  columns: readonly ReportColumn[];
  rows: AsyncIterable<object>;
}

/** Rows between checks of the sheet's buffer and of the job's signal. */
const CHECK_EVERY_ROWS = 500;
/** XML a sheet may hold before rows wait for the ZIP to take it. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * Writes a report as a ZIP holding one XLSX (exportJobFile.md), by streaming: exceljs's
 * WorkbookWriter turns rows into sheet XML as they come, yazl wraps the workbook in the outer
 * ZIP, and `out` (a blob in storage) takes the bytes. exceljs buffers a sheet's XML until its
 * archiver reads it and has no backpressure of its own, so the writer waits whenever that
 * buffer grows: memory stays flat however many rows there are. Returns the rows written.
 */
export async function writeReport(sheets: readonly ReportSheet[], fileName: string, out: Writable, options: { signal?: AbortSignal; onProgress?: (rows: number) => Promise<void> } = {}): Promise<number> {
  const { signal, onProgress } = options;
  const workbookBytes = new PassThrough({ highWaterMark: 1024 * 1024 });
  const zip = new yazl.ZipFile();
  zip.addReadStream(workbookBytes, fileName, { mtime: new Date(), compress: true });
  zip.end();
  const delivered = pipeline(zip.outputStream as NodeJS.ReadableStream, out);
  // A failure downstream must stop the rows too, not leave them waiting on a full buffer.
  let failure: unknown;
  delivered.catch((error: unknown) => (failure = error ?? new Error('the report could not be stored')));

  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: workbookBytes, useStyles: false, useSharedStrings: false, zip: { zlib: { level: 3 } } });
  let written = 0;
  try {
    for (const sheet of sheets) {
      let part = 1;
      let worksheet = startSheet(workbook, sheet, part);
      let inSheet = 0;
      let sinceCheck = 0;
      for await (const row of sheet.rows) {
        if (inSheet === MAX_SHEET_ROWS) {
          // An XLSX sheet holds 1,048,576 rows: the rest of a longer section continues on the next sheet.
          worksheet.commit();
          worksheet = startSheet(workbook, sheet, ++part);
          inSheet = 0;
        }
        worksheet.addRow(cellsOf(row, sheet.columns)).commit();
        written++;
        inSheet++;
        if (++sinceCheck < CHECK_EVERY_ROWS) continue;
        sinceCheck = 0;
        signal?.throwIfAborted();
        // The archiver works in macrotasks; rows that never wait on I/O would starve it.
        await setImmediate();
        while (bufferedBytes(worksheet) > MAX_BUFFERED_BYTES && failure === undefined) await sleep(2);
        if (failure !== undefined) throw failure;
        await onProgress?.(written);
      }
      worksheet.commit();
    }
    await workbook.commit();
  } catch (error) {
    // Ending the ZIP's own stream fails the pipeline, which destroys `out` (a blob write then removes itself).
    workbookBytes.destroy(error as Error);
    (zip.outputStream as unknown as PassThrough).destroy(error as Error);
    await delivered.catch(() => undefined);
    throw error;
  }
  await delivered;
  return written;
}

/** Data rows of one sheet, under its header row. */
const MAX_SHEET_ROWS = 1_048_575;

type Workbook = InstanceType<typeof ExcelJS.stream.xlsx.WorkbookWriter>;

function startSheet(workbook: Workbook, sheet: ReportSheet, part: number) {
  const worksheet = workbook.addWorksheet(part === 1 ? sheet.name : `${sheet.name} (${part})`);
  worksheet.columns = sheet.columns.map((column) => ({ header: column.header, key: column.key, width: column.width ?? Math.min(60, Math.max(12, column.header.length + 4)) }));
  return worksheet;
}

type Cell = string | number | boolean | Date | null;

function cellsOf(row: object, columns: readonly ReportColumn[]): Record<string, Cell> {
  const cells: Record<string, Cell> = {};
  const values = row as Record<string, unknown>;
  for (const { key } of columns) {
    const value = values[key];
    cells[key] = Array.isArray(value) ? value.join(', ') : value === undefined ? null : (value as Cell);
  }
  return cells;
}

/**
 * Bytes of sheet XML exceljs holds: in its StreamBuf, and in the streams it writes that into
 * (it ignores their backpressure). 0 if exceljs changes shape; the check then does nothing.
 */
function bufferedBytes(worksheet: unknown): number {
  type Pipe = { writableLength?: number; _writableState?: { length?: number } };
  const stream = (worksheet as { stream?: { buffers?: { length: number }[]; pipes?: Pipe[] } }).stream;
  let total = 0;
  for (const buffer of stream?.buffers ?? []) total += buffer.length;
  // archiver's streams come from readable-stream, which has no writableLength.
  for (const pipe of stream?.pipes ?? []) total += pipe.writableLength ?? pipe._writableState?.length ?? 0;
  return total;
}
