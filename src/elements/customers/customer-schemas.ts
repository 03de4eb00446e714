import { Type } from 'typebox';
import { DATA_CENTER_IDS } from '../catalogue.js';

const TenantRef = Type.Object({ id: Type.String(), name: Type.String() });

/** get-all-customers.md, "Response". */
export const V3Customer = Type.Object({
  id: Type.String(),
  organization: Type.String(),
  ownerEmail: Type.String(),
  jobStatus: Type.Integer({ enum: [0, 1, 2, 3, 4, 5, 6], description: '0 N/A, 1 Working, 2 Failed, 3 Waiting for configuration, 4 Multiple issues found, 5 Finished with exception, 6 No backup updates' }),
  countryOrRegion: Type.String(),
  managementMode: Type.Integer({ enum: [0, 1, 2], description: '0 Customer management, 1 Partner management, 2 To be configured' }),
  tenants: Type.Array(TenantRef),
});

/** onboard-customer.md, "Request Body Parameters". */
export const OnboardBody = Type.Object(
  {
    firstName: Type.String({ minLength: 1, maxLength: 128 }),
    lastName: Type.String({ minLength: 1, maxLength: 128 }),
    organizationName: Type.String({ minLength: 1, maxLength: 256 }),
    registrationAccount: Type.String({ minLength: 3, maxLength: 320, pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$', description: 'The customer\'s sign-in email (a local account).' }),
    countryCode: Type.String({ minLength: 2, maxLength: 2, description: 'ISO 3166-1 alpha-2 (countryorregion.md).' }),
    telephoneNumber: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
    dataCenter: Type.String({ enum: Object.keys(DATA_CENTER_IDS), description: 'Data center id (onboard-customer.md)' }),
    password: Type.String({ minLength: 1, maxLength: 256, writeOnly: true }),
    tags: Type.Optional(Type.Union([Type.Array(Type.String({ maxLength: 128 }), { maxItems: 50 }), Type.Null()])),
    managementMode: Type.Optional(Type.Union([Type.Boolean(), Type.Null()], { description: 'true: the partner manages the tenant (1); false: the customer does (0).' })),
  },
  { additionalProperties: false },
);

export const OnboardResult = Type.Object({
  status: Type.Integer({ enum: [1, 2, 3, 4, 5, 6, 7], description: '1 Successful, 2 Failed, 3 Customer does not exist, 4 Failed to register customer, 5 Customer is managed by current partner, 6 Customer is the same as current partner, 7 Customer already exists' }),
  id: Type.String(),
});
