/**
 * Tenant-wide Teams seed: three teams (every fixture user is a member) with channels, messages and
 * replies, plus chats — one-on-one between fixture users and with colleagues, and two group chats —
 * and each team's Planner plan (seed/planner.ts). Replies and plans draw from their own random
 * streams, so adding them left every earlier id and message unchanged.
 */
import type { Channel, Chat, ChatMessage, DirectoryUser, TenantState } from '../model.ts';
import { seedPlanner } from './planner.ts';
import { createRng, HOUR_MS, isoZ, type Rng } from './prng.ts';

const TEAMS: readonly (readonly [string, string, readonly string[]])[] = [
  [
    'Mark 8 Project Team',
    'Welcome to the team that we have assembled to create the Mark 8.',
    ['General', 'Design', 'Research and Development'],
  ],
  ['Retail', 'Retail operations, store rollouts and Project Falcon.', ['General', 'Store Rollout', 'Falcon Pilot']],
  ['Sales and Marketing', 'Campaigns, leads and the quarterly business review.', ['General', 'Campaigns', 'Leads']],
];
const REPLIES = [
  'Thanks, looking now.',
  'Agreed \u2014 let\u2019s go with that.',
  'Can we discuss at the standup?',
  '+1',
  'I added my notes to the Wiki tab.',
  'Done on my side.',
];
const LINES = [
  'Has anyone seen the latest build?',
  'Pilot store feedback is in — mostly positive.',
  'Reminder: budget numbers due Friday.',
  'I moved the design review to Thursday 10:00.',
  'Great work on the launch everyone! \u{1F389}',
  'Can someone review my PR before the standup?',
  'The vendor confirmed delivery for next week.',
  'Notes from today\u2019s sync are in the Wiki tab.',
  'Who owns the Northwind escalation?',
  'Lunch & learn on Entra ID tomorrow at noon.',
];

export function chatMessage(
  rng: Rng,
  opts: {
    from: DirectoryUser;
    tenantId: string;
    atMs: number;
    html: string;
    chatId?: string;
    channel?: { teamId: string; channelId: string };
  },
): ChatMessage {
  const id = String(opts.atMs);
  return {
    id,
    replyToId: null,
    etag: id,
    messageType: 'message',
    createdDateTime: isoZ(opts.atMs),
    lastModifiedDateTime: isoZ(opts.atMs),
    lastEditedDateTime: null,
    deletedDateTime: null,
    subject: null,
    summary: null,
    chatId: opts.chatId ?? null,
    importance: rng.chance(0.05) ? 'high' : 'normal',
    locale: 'en-us',
    webUrl: opts.channel
      ? `https://teams.microsoft.com/l/message/${encodeURIComponent(opts.channel.channelId)}/${id}?groupId=${opts.channel.teamId}&tenantId=${opts.tenantId}`
      : null,
    channelIdentity: opts.channel ?? null,
    from: {
      application: null,
      device: null,
      user: {
        id: opts.from.id,
        displayName: opts.from.displayName,
        userIdentityType: 'aadUser',
        tenantId: opts.tenantId,
      },
    },
    body: { contentType: 'html', content: opts.html },
    attachments: [],
    mentions: [],
    reactions: [],
  };
}

function messages(
  rng: Rng,
  people: readonly DirectoryUser[],
  tenantId: string,
  baseMs: number,
  n: number,
  ctx: { chatId?: string; channel?: { teamId: string; channelId: string } },
): ChatMessage[] {
  // Newest first, all before the seed base date.
  const out: ChatMessage[] = [];
  let at = baseMs;
  for (let i = 0; i < n; i++) {
    at -= rng.int(1, 9) * HOUR_MS + rng.int(0, 3_599_000);
    out.push(
      chatMessage(rng, { from: rng.pick(people), tenantId, atMs: at, html: `<p>${rng.pick(LINES)}</p>`, ...ctx }),
    );
  }
  return out;
}

export function seedTenant(
  fixtureIds: readonly string[],
  directory: readonly DirectoryUser[],
  tenantId: string,
  baseMs: number,
): TenantState {
  const rng = createRng(`tenant:${tenantId}`);
  const fixtures = directory.filter((u) => fixtureIds.includes(u.id));
  const colleagues = directory.filter((u) => !fixtureIds.includes(u.id));
  const state: TenantState = {
    teams: [],
    channels: new Map(),
    channelMessages: new Map(),
    channelReplies: new Map(),
    chats: [],
    chatMessages: new Map(),
    planner: { plans: [], buckets: [], tasks: [], version: 0 },
    onenote: new Map(),
  };
  for (const [displayName, description, channelNames] of TEAMS) {
    const teamId = rng.uuid();
    const members = [...fixtures, ...colleagues.filter(() => rng.chance(0.3))];
    state.teams.push({
      id: teamId,
      displayName,
      description,
      isArchived: false,
      tenantId,
      memberIds: members.map((m) => m.id),
    });
    const channels: Channel[] = channelNames.map((name, i) => {
      const id = i === 0 ? `19:${rng.b64(24)}@thread.tacv2` : `19:${rng.b64(16).replace(/[-_]/g, 'a')}@thread.tacv2`;
      return {
        id,
        createdDateTime: isoZ(baseMs - 200 * 24 * HOUR_MS),
        displayName: name,
        description: i === 0 ? description : `${name} discussions`,
        isFavoriteByDefault: null,
        email: `${name.replace(/\W+/g, '')}@${rng.b64(4)}.teams.example`,
        webUrl: `https://teams.microsoft.com/l/channel/${encodeURIComponent(id)}/${encodeURIComponent(name)}?groupId=${teamId}&tenantId=${tenantId}`,
        membershipType: 'standard',
        tenantId,
      };
    });
    state.channels.set(teamId, channels);
    for (const ch of channels) {
      state.channelMessages.set(
        ch.id,
        messages(rng, members, tenantId, baseMs, rng.int(12, 30), { channel: { teamId, channelId: ch.id } }),
      );
    }
  }
  const addChat = (
    chatType: Chat['chatType'],
    topic: string | null,
    members: readonly DirectoryUser[],
    n: number,
  ): void => {
    const ids = members.map((m) => m.id);
    const id =
      chatType === 'oneOnOne' ? `19:${[...ids].sort().join('_')}@unq.gbl.spaces` : `19:${rng.b64(24)}@thread.v2`;
    const msgs = messages(rng, members, tenantId, baseMs, n, { chatId: id });
    state.chats.push({
      id,
      topic,
      createdDateTime: isoZ(baseMs - 90 * 24 * HOUR_MS),
      lastUpdatedDateTime: msgs[0]?.createdDateTime ?? isoZ(baseMs),
      chatType,
      webUrl: `https://teams.microsoft.com/l/chat/${encodeURIComponent(id)}/0?tenantId=${tenantId}`,
      tenantId,
      onlineMeetingInfo: null,
      memberIds: ids,
    });
    state.chatMessages.set(id, msgs);
  };
  for (let i = 0; i < fixtures.length; i++) {
    for (let j = i + 1; j < fixtures.length; j++)
      addChat(
        'oneOnOne',
        null,
        [fixtures[i], fixtures[j]].filter((u) => !!u),
        rng.int(5, 25),
      );
    const f = fixtures[i];
    if (f) for (const c of colleagues.slice(i * 2, i * 2 + 2)) addChat('oneOnOne', null, [f, c], rng.int(3, 15));
  }
  addChat('group', 'Falcon launch', [...fixtures, ...colleagues.slice(0, 3)], 40);
  addChat('group', 'Lunch crew', [...fixtures, ...colleagues.slice(5, 7)], 12);
  seedReplies(state, directory, tenantId);
  state.planner = seedPlanner(state.teams, tenantId, baseMs);
  return state;
}

/** One to four replies to each of the three newest messages of every channel, after their parent. */
function seedReplies(state: TenantState, directory: readonly DirectoryUser[], tenantId: string): void {
  const rng = createRng(`replies:${tenantId}`);
  for (const team of state.teams) {
    const members = directory.filter((u) => team.memberIds.includes(u.id));
    for (const channel of state.channels.get(team.id) ?? []) {
      for (const parent of (state.channelMessages.get(channel.id) ?? []).slice(0, 3)) {
        const replies: ChatMessage[] = [];
        let at = Date.parse(parent.createdDateTime);
        for (let i = rng.int(1, 4); i > 0; i--) {
          at += rng.int(60_000, 1_800_000);
          const reply = chatMessage(rng, {
            from: rng.pick(members),
            tenantId,
            atMs: at,
            html: `<p>${rng.pick(REPLIES)}</p>`,
            channel: { teamId: team.id, channelId: channel.id },
          });
          replies.unshift({ ...reply, replyToId: parent.id });
        }
        state.channelReplies.set(`${channel.id}/${parent.id}`, replies);
      }
    }
  }
}
