import { Type } from 'typebox';
import { entitySchema } from '../shared/fields.js';
import type { ListEndpoint, ListRequest } from '../shared/list-endpoint.js';
import { objectList, type EnPowerStores } from '../shared/readers.js';
import { MAILBOXES, RESOURCE_MAILBOXES } from './mailbox-schemas.js';

/** 0 (or absent) selects both kinds; 1 and 2 one of them. */
const kindFilter = (name: string) => (request: ListRequest) => {
  const value = Number(request.query[name] ?? 0);
  return value === 0 ? {} : { variant: value };
};

/** main/services-and-features/enpower/exchange/ */
export const mailboxEndpoints = (stores: EnPowerStores): ListEndpoint[] => [
  {
    paths: ['/smp/exchange/resourcemailboxes'],
    operationId: 'getResourceMailboxes',
    summary: 'Retrieve resource mailboxes',
    description: 'Room and equipment mailboxes.',
    collectionKey: 'resourceMailboxes',
    item: entitySchema(RESOURCE_MAILBOXES.fields),
    filters: { resourceMailboxType: Type.Integer({ enum: [0, 1, 2], description: '0 both (default), 1 room, 2 equipment.' }) },
    read: objectList(RESOURCE_MAILBOXES, stores, kindFilter('resourceMailboxType')),
  },
  {
    paths: ['/smp/exchange/mailboxes'],
    operationId: 'getUserAndSharedMailboxes',
    summary: 'Retrieve user or shared mailboxes',
    description: 'User and shared mailboxes.',
    collectionKey: 'mailboxes',
    item: entitySchema(MAILBOXES.fields),
    filters: { mailboxType: Type.Integer({ enum: [0, 1, 2], description: '0 both (default), 1 user mailbox, 2 shared mailbox.' }) },
    read: objectList(MAILBOXES, stores, kindFilter('mailboxType')),
  },
];
