/**
 * The permission of service principals that feed product data into a region through the
 * producer API. Meridian's own extension: the documented permissions are read-side only.
 */
export const PRODUCER_PERMISSION = 'meridian.producer.readwrite.all';
