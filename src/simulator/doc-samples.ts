/**
 * The objects the docs' request samples name, with the ids and names the demo tenant gives
 * them: each module's demo seeding makes its own (through its producer path, from the
 * simulated world), so the samples, sent as the pages show them, find data on the demo.
 * Where a page masks part of a value (`8A40E648-FD97-4FBA-****-66AD1A8BE89A`), the value here
 * fits the mask; where pages disagree about one object, the first page that shows it whole wins.
 */
export const DOC_SAMPLE_OBJECTS = {
  /** EnPower: one id for the app, flows, agent and Power Pages site of every drill-down sample (cloudrunhistories shows it whole). */
  enpower: { objectId: '8A40E648-FD97-4FBA-9B47-66AD1A8BE89A' },
  /**
   * The Contoso objects of the restore pages: the Finance site and its team that Opus archived
   * (opus/restorearchiveddata/*.md) and that Cloud Backup for Microsoft 365 protects in the NAM
   * location with a OneDrive (m365/jobs/perform-restore-job.md).
   */
  contoso: { financeSite: 'https://contoso.sharepoint.com/sites/Finance', financeTeam: 'finance-team@contoso.com', oneDriveUpn: 'alexw@contoso.onmicrosoft.com' },
  /**
   * Opus: the Records connection of the records sample; the restore job of GetRestoreJobStatus;
   * the connection of submit-records.md (built-in columns only: its JSON file is that page's body)
   * with the records a connector submitted to it earlier, of which destroy-records.md destroys two.
   */
  opus: {
    connectionId: '63acafab-b2b8-4b44-8ddb-7a47672c2393',
    restoreJobId: '8f1678a9-3c2e-4b7d-9a51-745212ef3c2a',
    connector: { connectionId: 'd9da492f-cc67-4920-99f9-6fbaae1f1410', rowKeys: Array.from({ length: 10 }, (_, i) => `test_connector_${String(i + 1).padStart(4, '0')}`) },
  },
  /**
   * Insights: the people, sites, drives and objects its samples name. The masks are filled with
   * values of the pages' own style (m365x… hosts, insights… accounts, avepoint… Google domain).
   */
  insights: {
    /** A guest: userActivitiesExport.md and userPermissionsExport.md name it by its #ext# login, userPermissions.md by its email. */
    guest: { loginName: 'insightsuser001_jane_insightstest.onmicrosoft.com#EXT#@m365x636363.onmicrosoft.com', email: 'insightsuser001_jane_insightstest.onmicrosoft.com' },
    /** The second account of userPermissions.md. */
    colleague: { email: 'insightsuser003_john_insightstest.onmicrosoft.com' },
    /** groupAccessReport.md's group (its id has 13 digits in its last group, as the page writes it). */
    groupId: 'ec34726b-f692-424f-aaf0-f6a478a1b9fc7',
    sites: {
      publicTeam: { id: '0d6c1549-7a3e-4dd2-9b1f-28df4c5af7e2', url: 'https://m365x636363.sharepoint.com/sites/july2022publicteam01' },
      teams001: { url: 'https://contosomarkettest.sharepoint.com/sites/contosoteams001' },
      harland2: { id: '5794af14-b6ee-4194-b122-bdaa1a6e02c9', url: 'https://contosomarkettest.sharepoint.com/sites/harland2' },
      land2: { url: 'https://contosomarket.sharepoint.com/sites/land2' },
      site05: { url: 'https://m365x412345.sharepoint.com/sites/site05' },
      site0: { url: 'https://m365x412345.sharepoint.com/sites/site0' },
      retail: { url: 'https://m365x312345.sharepoint.com/sites/Retail' },
      salesAndMarketing: { url: 'https://m365x312345.sharepoint.com/sites/SalesandMarketing' },
      groupChange: { url: 'https://insightsdemo.sharepoint.com/sites/365groupchange2022' },
    },
    google: {
      /** One Google account answers the user samples (their masks all fit it) and names its own My Drive in drivePermissionsExport.md. */
      user: 'insightsdev.andy1@avepointdemo.com',
      group: 'insightgroup.sales.dev@avepointdemo.com',
      sharedDrive: '0AGSk2mTS_s2E9xQPVA',
      /** googleUserPermissionsExport.md shows this drive id whole. */
      userSharedDrive: '0ALUvlYxwVLhSUk9PVA',
      objectId: '1SfizLNSDzc6xLEsQ4r7W8IEMZ13hTk28jLbc',
    },
  },
  /**
   * Elements: the demo partner's customers in order, with the tenant, scan profile and users
   * the samples name, and the baselines and baseline job of the baseline-management samples
   * (made in the portal from the customer's tenant: query-baselines' Baseline1 and Baseline2
   * from create-baseline's tenant; the reports' baseline; the two tenant-action applies,
   * captured from and applied by query-job's job to its tenant). Pages vary one id's middle
   * groups from page to page (966f35cc-****-4070-… and 966f35cc-****-87b4-…); these fit the
   * first and last groups every page shows. Where pages show the same first and last groups
   * for two objects of one kind under different parents (the cloud and the local user
   * 7c18fd6f-…-5725fa9edc3f; the tenants 0eaab044-…-711e of customers f162… and d926b068-…),
   * each parent has its own object fitting the mask: the mask stands for the parent's object.
   *
   * The last three are the customers of the v2 scan-profile pages, which spell theirs three
   * ways (caf94a89-2cc6-47aa-…, caf94a75-2cc6-43bb-… and caf94a75-2cc6-43aa-…, all ending
   * 794cb9af5ea3), each with its own profiles. Those pages show every id whole; the v3 pages'
   * masked `caf9****-2cc6-****-b04b-794c****5ea3` fits all four caf9… customers and names the
   * third's tenant and scan profile, so it stands for the third: the three are `shownWhole`,
   * left out of what a mask may stand for (docs/compatibility.md, "The v2 scan-profile pages' customers").
   * The demo's customer without tenants comes after these.
   */
  elements: {
    customers: [
      {
        customerId: '966f35cc-2f4e-4070-9c1d-25cdbcf82a07',
        tenantId: '0c7715b3-5b2e-4c4c-8d7a-f3634dcfacec',
        cloudUserIds: ['7c18fd6f-3d2a-4353-9e8b-5725fa9edc3f', 'c2aa00d3-5e1b-40aa-8f2d-9e9c79232bff'],
        localUserIds: ['7c18fd6f-5b41-4c87-a6d2-5725fa9edc3f'],
        baselines: [{ baselineId: '23351ee7-8c4d-4786-a1b9-e8e3ffc29cd7', name: 'Intune baseline' }],
      },
      // The risk-management pages' customer, with premium modules (risk management is one).
      { customerId: 'd926b068-7e1a-4830-9f3b-fd2a6c8b4e99', tenantId: '0eaab044-2c71-4a92-9d15-93c6a8e4711e' },
      { customerId: 'caf94a75-2cc6-43aa-b04b-794c8baf5ea3', tenantId: 'f04d7aee-8b3c-4f92-9a1d-65217c4be596', scanProfileIds: ['47db2c1e-1004-4a7b-b2ce-8f5e9d3a842d'] },
      { customerId: 'f162a8b3-b9d4-4e1c-a165-97db5e2afc15', tenantId: '0eaab044-6d2f-4a92-8b7e-93c61f0d711e' },
      {
        customerId: 'ce43e186-51a0-48b4-9c2d-86b51b0aef92',
        tenantId: 'af83b8e1-4d2c-4b70-9e8a-970f92192dc5',
        baselines: [
          { baselineId: '0f0cb41b-6e2a-48b6-9d31-3a1c39554d0c', name: 'Baseline1' },
          { baselineId: '5aec2275-1f7c-4a86-b5e2-3a1c307a28fa', name: 'Baseline2' },
        ],
      },
      {
        customerId: '38c6a73d-2b9e-48b6-a1f4-75b0f1959474',
        tenantId: 'a2145aa5-9c3d-46b8-b2e7-7fffd6e0cc68',
        baselines: [
          { baselineId: 'e12922f4-2d8a-45b7-9c6e-3a1c162b4cf2', name: 'Security baseline' },
          { baselineId: 'b4c84bff-7a1e-47b2-8f4d-3a1c16243555', name: 'Collaboration baseline' },
        ],
        applyJob: { jobId: 'a7bd3e1b-5f9c-47d6-b3a8-243c4df89a2d', baselineIds: ['e12922f4-2d8a-45b7-9c6e-3a1c162b4cf2', 'b4c84bff-7a1e-47b2-8f4d-3a1c16243555'] },
      },
      { customerId: '00427fbc-8832-46cf-a1d2-582fa46ec638' },
      /** all-scan-profiles.md lists its profiles (it names none). */
      { customerId: 'caf94a89-2cc6-47aa-b04b-794cb9af5ea3', shownWhole: true },
      /** daily-scan-profile-change-details.md. */
      { customerId: 'caf94a75-2cc6-43bb-b04b-794cb9af5ea3', scanProfileIds: ['0e5e152d-65cc-4206-9829-636ee72c88c3'], shownWhole: true },
      /** daily-scan-profile-changes.md and specific-scan-profiles.md, each with a profile of its own. */
      { customerId: 'caf94a75-2cc6-43aa-b04b-794cb9af5ea3', scanProfileIds: ['0e5c152d-65ec-4206-9829-636ee72c88c3', '0e5e156e-65cc-4206-9829-636ee72c88c3'], shownWhole: true },
    ],
    /**
     * User management's workflow "Sensitive files accessed" (src/elements/user-management/
     * compliance-routes.ts holds the catalogue): get-compliance-category.md asks for it.
     */
    complianceWorkflowId: '4dbd4e4e-7c1a-4d38-9b5e-2e22a6f1b0c4',
  },
  /** DMSO: the actions the audit sample filters on (its window, 2024-10-10..14, is one of the demo's DOC_SAMPLE_WINDOWS). */
  dmso: { actions: [649, 650, 628, 629, 609, 610] },
} as const;

/**
 * Every value above, flat: what a masked value in a sample may stand for. The values of an
 * object `shownWhole` are left out (`{ shownWhole: true }` gives those only): the pages write
 * them out, so no mask stands for them.
 */
export function docSampleValues(options: { shownWhole?: boolean } = {}): string[] {
  const values: string[] = [];
  const walk = (value: unknown, whole: boolean): void => {
    if (typeof value === 'string') {
      if (whole === (options.shownWhole ?? false)) values.push(value);
    } else if (Array.isArray(value)) value.forEach((item) => walk(item, whole));
    else if (value && typeof value === 'object') {
      const inner = whole || (value as { shownWhole?: unknown }).shownWhole === true;
      Object.values(value).forEach((item) => walk(item, inner));
    }
  };
  walk(DOC_SAMPLE_OBJECTS, false);
  return [...new Set(values)];
}

/**
 * The Elements values above placed where a URL names them: each collection segment with its
 * members, and under each member the collections its path continues with
 * (`customers/{c}/tenants/{t}/local-users/{u}`). `users/` holds a tenant's cloud users, as
 * the user-management pages name them; its hybrid/local users are under `local-users/`.
 */
export interface SampleScope {
  [collection: string]: Array<{ id: string; under: SampleScope }>;
}

export function docSampleScopes(): SampleScope {
  const leaves = (ids: readonly string[] = []) => ids.map((id) => ({ id, under: {} }));
  return {
    // A customer shown whole on every page is never what a mask stands for (docSampleValues).
    customers: DOC_SAMPLE_OBJECTS.elements.customers
      .filter((customer) => !('shownWhole' in customer && customer.shownWhole))
      .map((customer) => {
        const ids: { customerId: string; tenantId?: string; scanProfileIds?: readonly string[]; cloudUserIds?: readonly string[]; localUserIds?: readonly string[] } = customer;
        return {
          id: ids.customerId,
          under: {
            tenants: ids.tenantId ? [{ id: ids.tenantId, under: { users: leaves(ids.cloudUserIds), 'local-users': leaves(ids.localUserIds) } }] : [],
            'scan-profiles': leaves(ids.scanProfileIds),
          },
        };
      }),
  };
}
