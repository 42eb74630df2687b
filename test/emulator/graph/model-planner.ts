/**
 * Planner entities as the emulator keeps them (Graph's plannerPlan / plannerBucket / plannerTask,
 * with `@odata.etag`). Plans belong to a group (the seeded teams are its groups); who may see and
 * change them follows the group's members.
 */

export interface PlannerIdentitySet {
  user: { id: string; displayName: null };
  application?: { id: string; displayName: null };
}

export interface PlannerPlan {
  '@odata.etag': string;
  id: string;
  title: string;
  createdDateTime: string;
  owner: string;
  container: { containerId: string; type: 'group'; url: string };
  createdBy: PlannerIdentitySet;
}

export interface PlannerBucket {
  '@odata.etag': string;
  id: string;
  name: string;
  planId: string;
  orderHint: string;
}

export interface PlannerAssignment {
  '@odata.type': '#microsoft.graph.plannerAssignment';
  assignedDateTime: string;
  orderHint: string;
  assignedBy: PlannerIdentitySet;
}

export interface PlannerTask {
  '@odata.etag': string;
  id: string;
  planId: string;
  bucketId: string | null;
  title: string;
  orderHint: string;
  assigneePriority: string;
  percentComplete: number;
  /** 0–10: 1 urgent, 3 important, 5 medium, 9 low (Planner's four UI values). */
  priority: number;
  startDateTime: string | null;
  createdDateTime: string;
  dueDateTime: string | null;
  hasDescription: boolean;
  previewType: 'automatic' | 'noPreview' | 'checklist' | 'description' | 'reference';
  completedDateTime: string | null;
  completedBy: PlannerIdentitySet | null;
  referenceCount: number;
  checklistItemCount: number;
  activeChecklistItemCount: number;
  conversationThreadId: string | null;
  appliedCategories: Record<string, boolean>;
  assignments: Record<string, PlannerAssignment>;
  createdBy: PlannerIdentitySet;
}

export interface PlannerState {
  plans: PlannerPlan[];
  buckets: PlannerBucket[];
  tasks: PlannerTask[];
  /** Increments with every write, so each new etag sorts after the older ones (Planner's rule). */
  version: number;
}
