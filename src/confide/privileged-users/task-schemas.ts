import { Type } from 'typebox';
import { NullableString } from '../../platform/schema.js';
import { PRIVILEGES } from '../privileges.js';

/** Users one import or update task takes: Meridian's bound (the pages name none), well inside the 4 MiB body limit. */
export const MAX_USERS_PER_TASK = 5000;

const privilegeProperties = Object.fromEntries(PRIVILEGES.map(({ property, description }) => [property, Type.Optional(Type.Boolean({ description }))]));

/** PrivilegedUser (ImportConfideSharingUser.md and UpdateConfideSharingUser.md). */
export const PrivilegedUser = Type.Object(
  {
    email: Type.String({ maxLength: 320, description: 'The email address of the user. An invalid address fails that user only.' }),
    ...privilegeProperties,
    sendInvitationEmail: Type.Optional(Type.Boolean({ description: 'Whether to send an invitation email to the user.' })),
  },
  { additionalProperties: false },
);

/** The request body: an array of PrivilegedUser objects, as the pages' note says. */
export const PrivilegedUsers = Type.Array(PrivilegedUser, { minItems: 1, maxItems: MAX_USERS_PER_TASK });

export const TaskCreated = Type.Object({
  data: Type.Object({ taskId: Type.String({ format: 'uuid', description: 'The unique identifier (UUID) of the task.' }) }),
});

export const TaskParams = Type.Object({ taskId: Type.String({ description: 'The unique identifier (UUID) of the task.' }) });

/** ImportUserStatusItem / UpdateUserStatusItem. */
const TaskItem = Type.Object({
  email: Type.String(),
  success: Type.Boolean(),
  status: Type.String({ description: 'Failed.' }),
  errorMessage: NullableString(),
});

/** ImportUserStatusResponse / UpdateUserStatusResponse, in the sample's field order. */
export const TaskStatus = Type.Object({
  data: Type.Object({
    taskId: Type.String(),
    status: Type.String({ enum: ['NotStarted', 'InProgress', 'Completed', 'Failed'] }),
    totalCount: Type.Integer(),
    processedCount: Type.Integer(),
    failedCount: Type.Integer(),
    items: Type.Array(TaskItem, { description: 'The users that failed, in request order.' }),
    message: Type.String(),
    startTime: NullableString({ description: 'ISO 8601; null until the task starts.' }),
    finishTime: NullableString({ description: 'ISO 8601; null until the task ends.' }),
  }),
});

/** ErrorResponse of the Confide pages. */
export const ConfideError = Type.Object({ traceId: Type.String(), error: Type.String(), statusCode: Type.Integer() });
