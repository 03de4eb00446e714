import { SeededRandom } from '../platform/random.js';
import { DAY_MS } from './retention/rules.js';

/**
 * Realistic, deterministic Opus data: two connector systems, a records taxonomy with
 * retention rules, and years of records, some of them due. Same seed, same history.
 */

export const SIMULATED_CONNECTIONS = [
  {
    name: 'Contract Management System',
    description: 'Contracts and amendments from the legal contract system.',
    columns: [
      { name: 'Department', type: 'SingleChoice', choices: ['Finance', 'Human Resources', 'Legal', 'Sales', 'Engineering'] },
      { name: 'Counterparty', type: 'SingleText' },
      { name: 'Summary', type: 'MultipleText' },
      { name: 'Signed on', type: 'DateTime' },
      { name: 'Contract value', type: 'Number' },
      { name: 'Tags', type: 'MultipleChoice', choices: ['Confidential', 'Regulatory', 'Vendor', 'Customer', 'Renewal'] },
      { name: 'Owners', type: 'PeopleOrGroup' },
    ],
  },
  {
    name: 'HR Case Files',
    description: 'Employee and applicant files from the HR system.',
    columns: [
      { name: 'Employee ID', type: 'SingleText' },
      { name: 'Case type', type: 'SingleChoice', choices: ['Onboarding', 'Performance', 'Leave', 'Exit'] },
      { name: 'Case owner', type: 'PeopleOrGroup' },
    ],
  },
] as const;

export interface SimulatedTerm {
  path: string;
  retainDays?: number;
  after?: 'created' | 'modified' | 'event';
  approval?: boolean;
  /** Days before the seed's end at which the term's event happened. */
  eventDaysAgo?: number;
}

export const SIMULATED_TERMS: SimulatedTerm[] = [
  { path: 'Corporate/Contracts/Supplier agreements', retainDays: 7 * 365, after: 'modified' },
  { path: 'Corporate/Contracts/Customer agreements', retainDays: 6 * 365, after: 'created', approval: true },
  { path: 'Corporate/Finance/Invoices', retainDays: 3 * 365, after: 'created' },
  { path: 'Corporate/Legal/Litigation', retainDays: 10 * 365, after: 'created', approval: true },
  { path: 'HR/Employees/Personnel files', retainDays: 2 * 365, after: 'event', approval: true, eventDaysAgo: 800 },
  { path: 'HR/Recruiting/Applications', retainDays: 180, after: 'created' },
  { path: 'HR/Recruiting/Offer letters', retainDays: 365, after: 'modified' },
];

const CONTRACT_TERMS = ['Corporate/Contracts/Supplier agreements', 'Corporate/Contracts/Customer agreements', 'Corporate/Finance/Invoices', 'Corporate/Legal/Litigation'];
const HR_TERMS = ['HR/Employees/Personnel files', 'HR/Recruiting/Applications', 'HR/Recruiting/Offer letters'];
const COMPANIES = ['Fabrikam', 'Northwind Traders', 'Tailspin Toys', 'Wide World Importers', 'Adventure Works', 'Litware', 'Proseware', 'Woodgrove Bank', 'Alpine Ski House', 'Coho Winery'];
const PEOPLE = ['jack.smith', 'maria.garcia', 'chen.wang', 'fatima.khan', 'sven.mueller', 'aiko.tanaka', 'lucas.silva', 'priya.patel', 'emma.brown', 'omar.novak'];
const DOCUMENTS = ['Master services agreement', 'Statement of work', 'Purchase order', 'Non-disclosure agreement', 'Amendment', 'Invoice', 'Settlement', 'Renewal notice'];
const HR_DOCUMENTS = ['Personnel file', 'Application', 'Offer letter', 'Performance review', 'Leave request', 'Exit interview'];

const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

export interface SimulatedRecords {
  connection: (typeof SIMULATED_CONNECTIONS)[number]['name'];
  records: Array<Record<string, unknown>>;
}

/**
 * Records of both connections over the last `years` years, oldest first: created at
 * working hours, modified some days later; about one in twelve has no classification.
 */
export function simulateRecords(options: { tenantId: string; count: number; endMs: number; years?: number; seed?: string; domain: string }): SimulatedRecords[] {
  const random = new SeededRandom(`${options.seed ?? 'meridian'}:opus:${options.tenantId}`);
  const spanMs = (options.years ?? 9) * 365 * DAY_MS;
  const contracts: Array<Record<string, unknown>> = [];
  const hr: Array<Record<string, unknown>> = [];
  for (let i = 0; i < options.count; i++) {
    const created = Math.floor((options.endMs - spanMs + (spanMs * (i + random.next())) / options.count) / 60_000) * 60_000;
    const modified = Math.min(options.endMs, created + random.int(0, 400) * DAY_MS + random.int(0, 480) * 60_000);
    const author = random.pick(PEOPLE);
    const editor = random.chance(0.7) ? author : random.pick(PEOPLE);
    const classified = !random.chance(0.08);
    if (random.chance(0.65)) {
      const company = random.pick(COMPANIES);
      const document = random.pick(DOCUMENTS);
      const record: Record<string, unknown> = {
        rowKey: `CMS-${String(i).padStart(6, '0')}`,
        leafName: `${document} - ${company}.pdf`,
        termFullPath: classified ? random.pick(CONTRACT_TERMS) : null,
        timeCreated: stamp(created),
        timeModified: stamp(modified),
        createdBy: author,
        modifiedBy: editor,
        _Department: random.int(1, 5),
        _Counterparty: company,
        '_Signed_%20_on': stamp(created + random.int(1, 30) * DAY_MS),
        '_Contract_%20_value': random.int(1, 500) * 1000,
        _Tags: `[${[...new Set([random.int(1, 5), random.int(1, 5)])].sort().join(',')}]`,
        _Owners: `[${author}@${options.domain}]`,
      };
      if (random.chance(0.3)) record._Summary = `${document} with ${company}.\nReviewed by ${editor}.`;
      contracts.push(record);
    } else {
      const document = random.pick(HR_DOCUMENTS);
      hr.push({
        rowKey: `HR-${String(i).padStart(6, '0')}`,
        leafName: `${document} ${random.int(10000, 99999)}.docx`,
        termFullPath: classified ? random.pick(HR_TERMS) : null,
        timeCreated: stamp(created),
        timeModified: stamp(modified),
        createdBy: author,
        modifiedBy: editor,
        '_Employee_%20_ID': `E${random.int(10000, 99999)}`,
        '_Case_%20_type': random.int(1, 4),
        '_Case_%20_owner': [`${random.pick(PEOPLE)}@${options.domain}`],
      });
    }
  }
  return [
    { connection: 'Contract Management System', records: contracts },
    { connection: 'HR Case Files', records: hr },
  ];
}

/** What the archive holds: site collections and Teams/Groups, some restored before. */
export function simulateArchive(options: { tenantId: string; domain: string; seed?: string }) {
  const random = new SeededRandom(`${options.seed ?? 'meridian'}:opus-archive:${options.tenantId}`);
  const host = `${options.domain.split('.')[0]}.sharepoint.com`;
  const sites = ['Finance', 'ProjectPhoenix', 'Marketing2019', 'LegalArchive', 'HRPolicies', 'SalesEMEA'].map((name) => `https://${host}/sites/${name}`);
  const groups = ['finance-team', 'phoenix-core', 'emea-sales', 'board-2018'].map((name) => `${name}@${options.domain}`);
  return {
    scopes: [
      ...sites.map((scope, index) => ({ scopeType: 'SiteCollection' as const, scope, hasArchivedData: index < 5, ...(index === 4 ? { deletionStarted: true } : {}) })),
      ...groups.map((scope, index) => ({ scopeType: 'TeamsGroup' as const, scope, hasArchivedData: index < 3 })),
    ],
    jobs: [
      { scopeType: 'SiteCollection' as const, scope: sites[1]!, status: 2, progress: 100, daysAgo: 40, hours: 3 },
      { scopeType: 'SiteCollection' as const, scope: sites[4]!, status: 4, progress: 100, daysAgo: 20, hours: 5 },
      { scopeType: 'TeamsGroup' as const, scope: groups[2]!, status: 3, progress: random.int(10, 60), daysAgo: 6, hours: 1 },
      { scopeType: 'SiteCollection' as const, scope: sites[2]!, status: 1, progress: random.int(20, 80), daysAgo: 0, hours: 0 },
    ].map((job, index) => ({ ...job, id: `00000000-0000-4000-8000-${random.hex(8)}${String(index).padStart(4, '0')}` })),
  };
}
