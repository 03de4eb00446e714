import { SeededRandom } from '../platform/random.js';
import { DMSO_ACTIONS } from './catalogue.js';
import type { DownloadItem, ProducedAuditRecord } from './audits/audit-schemas.js';

/** Who acts in the simulated DMS Online: people of the tenant's simulated world. */
export interface DmsoActor {
  id: string;
  displayName: string;
  userPrincipalName: string;
}

export interface DmsoHistoryOptions {
  tenantId: string;
  users: readonly DmsoActor[];
  /** SharePoint site URLs documents live in; the tenant's root site when empty. */
  siteUrls: readonly string[];
  count: number;
  days: number;
  endMs: number;
  seed?: string;
  /** Actions the history holds whatever the draws: its first records take them in turn (the demo's request sample asks for six). */
  actions?: readonly number[];
}

/**
 * The module an action is recorded under. The page lists both tables but not how they
 * relate; the codes are grouped by hundreds after the product's areas, which this follows.
 */
export function moduleOfAction(action: number): number {
  if (action < 200) return 100; // Login, logout, licence agreement: System.
  if (action < 300) return 3; // Template
  if (action < 400) return 1; // Site Collection
  if (action < 500) return 4; // Settings Permission
  if (action === 500) return 8; // Language and time
  if (action === 501 || action === 598) return 9; // Logo
  if (action === 502 || action === 597) return 15; // Feature
  if (action === 503 || action === 504) return 23; // Open method
  if (action < 600) return 8;
  if (action < 700) return 2; // Documents
  if (action < 800) return 10; // Global Search
  if (action < 900) return 7; // Auto Classification
  if (action < 1000) return 11; // Audit
  if (action < 1100) return 6; // System Event
  if (action < 1300) return 2; // Favorites, shared with me
  if (action < 1400) return 16; // Library
  if (action < 1500) return 18; // Workflow
  if (action < 1600) return 19; // My Tasks
  if (action < 1700) return 20; // Email templates
  if (action < 1800) return 18; // Workflow steps
  if (action < 2050) return 2; // OneDrive and DenshoBako sharing: Documents
  if (action < 2100) return 21; // Recycle Bin
  if (action < 2200) return 2; // Mail attachments
  if (action < 2300) return 13; // Group members, personal panel
  return 1; // Auto sync of site collections
}

/** Everyday work is mostly viewing, opening and downloading; every documented action occurs now and then. */
const COMMON_ACTIONS = [101, 102, 698, 697, 649, 650, 628, 609, 640, 644, 651, 701, 705, 2002, 1903, 1916, 2104, 399, 299, 1103, 1201];
const FILES = ['Budget 2026.xlsx', 'Contract.pdf', 'Minutes.docx', 'Roadmap.pptx', 'IMG_9560.png', 'sites.csv', 'Invoice-0042.pdf'];
const FOLDERS = ['Projects', 'Finance', 'HR', 'Legal', 'Board', 'Archive'];
const LIBRARIES = ['Shared Documents', 'Contracts', 'Records'];

/** Actions whose object is a document tree (files, folders, document sets). */
const isDocumentAction = (action: number) => (action >= 600 && action < 700) || (action >= 1900 && action < 2004) || (action >= 2100 && action < 2115);

/** Yields records oldest first, in batches, so any size streams without building it in memory. Same seed, same history. */
export function* simulateDmsoAudits(options: DmsoHistoryOptions, batchSize = 1000): Generator<ProducedAuditRecord[]> {
  if (options.users.length === 0 || options.count === 0) return;
  const random = new SeededRandom(`${options.seed ?? 'meridian'}:dmso:${options.tenantId}`);
  const spanMs = options.days * 24 * 60 * 60 * 1000;
  const startMs = options.endMs - spanMs;
  const step = spanMs / Math.max(1, options.count);
  let batch: ProducedAuditRecord[] = [];
  for (let i = 0; i < options.count; i++) {
    const drawn = random.chance(0.7) ? random.pick(COMMON_ACTIONS) : random.pick(DMSO_ACTIONS)[0];
    const action = options.actions?.[i] ?? drawn;
    const user = random.pick(options.users);
    const at = Math.floor(startMs + i * step + random.next() * step);
    const objects = isDocumentAction(action) ? documentObjects(random, options.siteUrls) : [];
    batch.push({
      // The history's start in the id: two histories of one tenant (the demo's recent one and its
      // windows at the samples' dates) never overwrite each other's records.
      id: `dmso-${options.tenantId.slice(0, 8)}-${Math.floor(startMs / 1000).toString(36)}-${i}`,
      actionTime: new Date(at).toISOString(),
      module: moduleOfAction(action),
      action,
      status: random.chance(0.04) ? 500 : 200,
      clientIP: `${random.int(20, 220)}.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}`,
      objectName: objects.length > 0 ? objects.map((item) => item.path.slice(item.path.lastIndexOf('/') + 1)).join(', ') : (DMSO_ACTIONS.find(([code]) => code === action)?.[1] ?? ''),
      userPrincipalName: user.userPrincipalName,
      userEntraId: user.id,
      userDisplayName: user.displayName,
      objectDetail: objects.map((item) => ({ ...item, children: [] })),
      detail: objects,
    });
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** One to three objects of a library: files, and folders holding files and subfolders, no name twice in a folder. */
function documentObjects(random: SeededRandom, siteUrls: readonly string[]): DownloadItem[] {
  const site = siteUrls.length > 0 ? random.pick(siteUrls) : 'https://contoso.sharepoint.com/sites/Documents';
  return folderContents(random, `${site}/${random.pick(LIBRARIES)}`, random.int(1, 3), 0.5, 2);
}

function folderContents(random: SeededRandom, path: string, count: number, folderChance: number, depth: number): DownloadItem[] {
  const names = new Set<string>();
  const items: DownloadItem[] = [];
  for (let i = 0; i < count; i++) {
    const isFolder = depth > 0 && random.chance(folderChance);
    const name = random.pick(isFolder ? FOLDERS : FILES);
    if (names.has(name)) continue;
    names.add(name);
    const itemPath = `${path}/${name}`;
    items.push(isFolder ? { path: itemPath, type: 2, children: folderContents(random, itemPath, random.int(0, 4), 0.25, depth - 1) } : { path: itemPath, type: 1, children: [] });
  }
  return items;
}
