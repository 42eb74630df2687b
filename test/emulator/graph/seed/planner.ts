/**
 * Planner seed: one plan per team (its group is the container) with the buckets "To do",
 * "In progress" and "Done" and tasks spread over them, some assigned to the team's fixture users,
 * some with due dates around the seed base date. Own random stream (`planner:<tenant>`).
 */
import type { Team } from '../model.ts';
import type { PlannerBucket, PlannerIdentitySet, PlannerState, PlannerTask } from '../model-planner.ts';
import { createRng, DAY_MS, isoZ, type Rng } from './prng.ts';

const PLANS: Readonly<Record<string, readonly string[]>> = {
  'Mark 8 Project Team': [
    'Finalize Mark 8 spec',
    'Order test units',
    'Battery life benchmark',
    'Draft launch blog post',
    'Review industrial design',
    'Book usability lab',
    'Update pricing sheet',
  ],
  Retail: ['Store rollout checklist', 'Falcon pilot feedback survey', 'Train store managers', 'Order display stands'],
  'Sales and Marketing': ['QBR deck', 'Campaign brief for Q3', 'Lead scoring review', 'Partner newsletter'],
};
const BUCKETS = ['To do', 'In progress', 'Done'] as const;
const PLANNER_APP = '09abbdfd-ed23-44ee-a2d9-a627aa1c90f3';

/** A plannerTask etag: `W/"JzEt…"` as Planner writes them (base64 of `'1-Task  @@…` + a version). */
export function plannerEtag(kind: string, version: number): string {
  const text = `'1-${kind.padEnd(6)}${'@'.repeat(16)}${version.toString(36).padStart(6, '0')}'`;
  return `W/"${Buffer.from(text).toString('base64')}"`;
}

/** A 28-character Planner id. */
export function plannerId(rng: Rng): string {
  return rng.b64(21);
}

export function identity(userId: string): PlannerIdentitySet {
  return { user: { id: userId, displayName: null }, application: { id: PLANNER_APP, displayName: null } };
}

/** A task with Planner's defaults for the fields a request did not set. */
export function newPlannerTask(
  fields: Pick<PlannerTask, 'id' | 'planId' | 'bucketId' | 'title' | '@odata.etag'> & Partial<PlannerTask>,
  createdBy: string,
  nowMs: number,
): PlannerTask {
  return {
    orderHint: `8585${String(nowMs).slice(-10)}`,
    assigneePriority: '',
    percentComplete: 0,
    priority: 5,
    startDateTime: null,
    createdDateTime: isoZ(nowMs),
    dueDateTime: null,
    hasDescription: false,
    previewType: 'automatic',
    completedDateTime: null,
    completedBy: null,
    referenceCount: 0,
    checklistItemCount: 0,
    activeChecklistItemCount: 0,
    conversationThreadId: null,
    appliedCategories: {},
    assignments: {},
    createdBy: identity(createdBy),
    ...fields,
  };
}

export function seedPlanner(teams: readonly Team[], tenantId: string, baseMs: number): PlannerState {
  const rng = createRng(`planner:${tenantId}`);
  const state: PlannerState = { plans: [], buckets: [], tasks: [], version: 1 };
  for (const team of teams) {
    const titles = PLANS[team.displayName] ?? [];
    const owner = team.memberIds[0] ?? '';
    const planId = plannerId(rng);
    state.plans.push({
      '@odata.etag': plannerEtag('Plan', state.version),
      id: planId,
      title: `${team.displayName} plan`,
      createdDateTime: isoZ(baseMs - 120 * DAY_MS),
      owner: team.id,
      container: {
        containerId: team.id,
        type: 'group',
        url: `https://graph.microsoft.com/v1.0/groups/${team.id}`,
      },
      createdBy: identity(owner),
    });
    const buckets: PlannerBucket[] = BUCKETS.map((name, i) => ({
      '@odata.etag': plannerEtag('Bucket', state.version),
      id: plannerId(rng),
      name,
      planId,
      orderHint: `85857${i}`,
    }));
    state.buckets.push(...buckets);
    titles.forEach((title, i) => {
      const bucket = buckets[i % buckets.length];
      const done = bucket?.name === 'Done';
      const assignee = rng.pick(team.memberIds.slice(0, 3));
      const createdMs = baseMs - rng.int(5, 60) * DAY_MS;
      state.tasks.push(
        newPlannerTask(
          {
            '@odata.etag': plannerEtag('Task', state.version),
            id: plannerId(rng),
            planId,
            bucketId: bucket?.id ?? null,
            title,
            percentComplete: done ? 100 : bucket?.name === 'In progress' ? 50 : 0,
            priority: rng.pick([1, 3, 5, 5, 9]),
            dueDateTime: rng.chance(0.7) ? isoZ(baseMs + rng.int(-3, 21) * DAY_MS) : null,
            completedDateTime: done ? isoZ(baseMs - DAY_MS) : null,
            completedBy: done ? identity(assignee) : null,
            assignments: {
              [assignee]: {
                '@odata.type': '#microsoft.graph.plannerAssignment',
                assignedDateTime: isoZ(createdMs),
                orderHint: '8585!',
                assignedBy: identity(owner),
              },
            },
          },
          owner,
          createdMs,
        ),
      );
    });
  }
  return state;
}
