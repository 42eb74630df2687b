/** To Do seed: the default "Tasks" list, "Flagged Emails", and two custom lists with tasks. */
import type { TodoTask, TodoTaskList } from '../model.ts';
import { createRng, DAY_MS, isoZ, outlookDateTime, type Rng } from './prng.ts';

const LISTS: readonly (readonly [string, TodoTaskList['wellknownListName'], readonly string[]])[] = [
  [
    'Tasks',
    'defaultList',
    [
      'Send Q2 summary to Patti',
      'Book offsite venue',
      'Review Falcon budget',
      'Renew parking permit',
      'Reply to Northwind',
      'Update expense report',
      'Prepare QBR slides',
      'Call the vendor about delivery',
    ],
  ],
  ['Flagged Emails', 'flaggedEmails', ['Action required: Security review', 'Quick question about Hiring plan']],
  [
    'Project Falcon',
    'none',
    [
      'Pilot store checklist',
      'Tablet provisioning',
      'Inventory sync test',
      'Training plan for store staff',
      'Go/no-go meeting',
    ],
  ],
  ['Groceries', 'none', ['Coffee beans', 'Oat milk', 'Apples']],
];

export function newTask(rng: Rng, fields: Partial<TodoTask> & Pick<TodoTask, 'title'>, nowMs: number): TodoTask {
  return {
    '@odata.etag': `W/"${rng.b64(18)}"`,
    id: `AAMkAG${rng.b64(33)}AAA=`,
    status: 'notStarted',
    importance: 'normal',
    isReminderOn: false,
    createdDateTime: new Date(nowMs).toISOString().replace('Z', '0000Z'),
    lastModifiedDateTime: new Date(nowMs).toISOString().replace('Z', '0000Z'),
    hasAttachments: false,
    categories: [],
    body: { content: '', contentType: 'text' },
    ...fields,
  };
}

export function seedTodo(oid: string, baseMs: number): { lists: TodoTaskList[]; tasks: Map<string, TodoTask[]> } {
  const rng = createRng(`todo:${oid}`);
  const lists: TodoTaskList[] = [];
  const tasks = new Map<string, TodoTask[]>();
  for (const [displayName, wellknownListName, titles] of LISTS) {
    const list: TodoTaskList = {
      '@odata.etag': `W/"${rng.b64(18)}"`,
      id: `AAMkAG${rng.b64(24)}AAA=`,
      displayName,
      isOwner: true,
      isShared: false,
      wellknownListName,
    };
    lists.push(list);
    tasks.set(
      list.id,
      titles.map((title, i) => {
        const createdMs = baseMs - rng.int(1, 40) * DAY_MS;
        const status: TodoTask['status'] = i % 4 === 3 ? 'completed' : rng.chance(0.2) ? 'inProgress' : 'notStarted';
        const task = newTask(rng, { title, status, importance: rng.chance(0.2) ? 'high' : 'normal' }, createdMs);
        if (rng.chance(0.5))
          task.dueDateTime = { dateTime: outlookDateTime(baseMs + rng.int(-3, 14) * DAY_MS), timeZone: 'UTC' };
        if (status === 'completed')
          task.completedDateTime = { dateTime: outlookDateTime(createdMs + DAY_MS), timeZone: 'UTC' };
        task.lastModifiedDateTime = isoZ(createdMs);
        return task;
      }),
    );
  }
  return { lists, tasks };
}
