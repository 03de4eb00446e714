import { BASELINE_ENDPOINTS } from '../baseline-management/baseline-routes.js';
import { RISK_ENDPOINTS } from '../risk-management/risk-routes.js';
import { COMPLIANCE_ENDPOINTS } from '../user-management/compliance-routes.js';
import { UPDATE_ENDPOINTS } from '../user-management/user-update-routes.js';
import { USER_READ_ENDPOINTS } from '../user-management/user-routes.js';
import { WORKSPACE_ENDPOINTS } from '../workspace-management/workspace-routes.js';
import type { GovernanceEndpoint } from './endpoint.js';

/** Every governance endpoint (6 baseline, 2 risk, 25 user, 4 workspace management), declared once for both mounts. */
export const GOVERNANCE_ENDPOINTS: readonly GovernanceEndpoint[] = [...BASELINE_ENDPOINTS, ...RISK_ENDPOINTS, ...USER_READ_ENDPOINTS, ...COMPLIANCE_ENDPOINTS, ...UPDATE_ENDPOINTS, ...WORKSPACE_ENDPOINTS];
