import type { ModuleSeeder, SeedOption } from '../platform/product-module.js';
import { buildWorld } from '../simulator/world.js';
import { docSampleInsights } from './doc-samples.js';
import { simulateInsights } from './simulator.js';

export const INSIGHTS_SEED_OPTIONS: readonly SeedOption[] = [
  { flag: 'insights-objects', key: 'insightsObjects', description: 'Insights files and folders spread over the tenant\'s sites (about 3.5 permission entries each)' },
  { flag: 'insights-reviewer-groups', key: 'insightsReviewerGroups', description: 'groups of the first user granted Read on every object (that user\'s access grows by one row per object per group)' },
  { flag: 'insights-activities', key: 'insightsActivities', description: 'Insights activity events' },
  { flag: 'insights-google-objects', key: 'insightsGoogleObjects', description: 'Google Workspace files in Insights' },
];

/** The demo tenant's share: a little of everything, Google included. */
const DEMO = { objects: 300, reviewerGroups: 1, activities: 600, googleObjects: 60 };

export const seedInsights: ModuleSeeder = async (producer, request) => {
  const counts = {
    objects: request.counts.insightsObjects ?? (request.demo ? DEMO.objects : 0),
    reviewerGroups: request.counts.insightsReviewerGroups ?? (request.demo ? DEMO.reviewerGroups : 0),
    activities: request.counts.insightsActivities ?? (request.demo ? DEMO.activities : 0),
    googleObjects: request.counts.insightsGoogleObjects ?? (request.demo ? DEMO.googleObjects : 0),
  };
  if (counts.objects + counts.activities + counts.googleObjects + counts.reviewerGroups === 0) return {};
  const world = buildWorld({ tenantId: request.tenantId, tenantName: request.tenantName, seed: request.seed, endMs: request.endMs });
  const report: Record<string, number> = {};
  const all = function* () {
    yield* simulateInsights({ world, seed: request.seed, endMs: request.endMs, days: request.days, ...counts });
    if (request.docSamples) yield* docSampleInsights(world);
  };
  for (const batch of all()) {
    await producer.post(`/producer/insights/${batch.feed}`, { value: batch.value });
    const key = `insights${batch.feed.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase())}`;
    report[key] = (report[key] ?? 0) + batch.value.length;
  }
  return report;
};
