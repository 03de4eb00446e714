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
  /** Opus: the Records connection of the records sample; the restore job of GetRestoreJobStatus. */
  opus: { connectionId: '63acafab-b2b8-4b44-8ddb-7a47672c2393', restoreJobId: '8f1678a9-3c2e-4b7d-9a51-745212ef3c2a' },
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
   * Elements: the demo partner's customers in order (the second has no tenants), with the
   * tenant, scan profiles and cloud users the samples name. Pages vary one id's middle groups
   * from page to page (966f35cc-****-4070-… and 966f35cc-****-87b4-…); these fit the first and
   * last groups every page shows.
   *
   * The last three are the customers of the v2 scan-profile pages, which spell theirs three
   * ways (caf94a89-2cc6-47aa-…, caf94a75-2cc6-43bb-… and caf94a75-2cc6-43aa-…, all ending
   * 794cb9af5ea3), each with its own profiles. Those pages show every id whole; the v3 pages'
   * masked `caf9****-2cc6-****-b04b-794c****5ea3` fits all four caf9… customers and names the
   * third's tenant and scan profile, so it stands for the third: the three are `shownWhole`,
   * left out of what a mask may stand for (docs/compatibility.md, "The v2 scan-profile pages' customers").
   */
  elements: {
    customers: [
      { customerId: '966f35cc-2f4e-4070-9c1d-25cdbcf82a07', tenantId: '0c7715b3-5b2e-4c4c-8d7a-f3634dcfacec', cloudUserIds: ['7c18fd6f-3d2a-4353-9e8b-5725fa9edc3f', 'c2aa00d3-5e1b-40aa-8f2d-9e9c79232bff'] },
      { customerId: 'd926b068-7e1a-4830-9f3b-fd2a6c8b4e99' },
      { customerId: 'caf94a75-2cc6-43aa-b04b-794c8baf5ea3', tenantId: 'f04d7aee-8b3c-4f92-9a1d-65217c4be596', scanProfileIds: ['47db2c1e-1004-4a7b-b2ce-8f5e9d3a842d'] },
      { customerId: 'f162a8b3-b9d4-4e1c-a165-97db5e2afc15', tenantId: '0eaab044-6d2f-4a92-8b7e-93c61f0d711e' },
      { customerId: 'ce43e186-51a0-48b4-9c2d-86b51b0aef92', tenantId: 'af83b8e1-4d2c-4b70-9e8a-970f92192dc5' },
      { customerId: '38c6a73d-2b9e-48b6-a1f4-75b0f1959474', tenantId: 'a2145aa5-9c3d-46b8-b2e7-7fffd6e0cc68' },
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
