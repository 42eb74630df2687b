/**
 * OneNote seed per user: the default notebook "<First name>'s Notebook" (sections "Quick Notes",
 * "Meetings", and "Falcon" inside the section group "Projects") and "Mark 8 Research" ("Ideas",
 * "Competitors"), with pages in OneNote's output HTML. Own random stream (`onenote:<oid>`).
 */
import type { DirectoryUser } from '../model.ts';
import type { OneNotePage, OneNoteSection, OneNoteState } from '../model-onenote.ts';
import { createRng, DAY_MS, HOUR_MS, isoZ, type Rng } from './prng.ts';

/** Titles and paragraphs of the seeded pages, per section. */
const PAGES: Readonly<Record<string, readonly (readonly [string, readonly string[]])[]>> = {
  'Quick Notes': [
    ['Ideas for the offsite', ['Venue shortlist: Lakeside, Harbor Hall.', 'Ask Patti about the budget.']],
    ['Phone numbers', ['Vendor hotline: +1 425 555 0100', 'Facilities: ext. 4411']],
  ],
  Meetings: [
    [
      'Weekly sync',
      ['Attendees: the project team.', 'Decisions: ship the beta on Friday.', 'Action: update the QBR deck.'],
    ],
    ['1:1 with manager', ['Career goals for next year.', 'Training budget approved.']],
    ['Design review', ['Feedback on the new hinge.', 'Colour options: graphite and silver.']],
  ],
  Falcon: [['Pilot stores', ['Store 12 goes first, then 7 and 31.', 'Tablets arrive on Monday.']]],
  Ideas: [['Battery life', ['Target 14 hours of video playback.']]],
  Competitors: [['Fabrikam X2', ['Lighter, but no pen support.']]],
};

export function oneNoteId(rng: Rng): string {
  return `1-${rng.uuid()}`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A page's content as OneNote returns it: the title in <head>, the body in one positioned div. */
export function oneNoteHtml(title: string, bodyHtml: string, createdMs: number): string {
  return (
    `<html lang="en-US">\n\t<head>\n\t\t<title>${escapeHtml(title)}</title>\n` +
    '\t\t<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n' +
    `\t\t<meta name="created" content="${isoZ(createdMs).replace('Z', '+00:00')}" />\n\t</head>\n` +
    '\t<body data-absolute-enabled="true" style="font-family:Calibri;font-size:11pt">\n' +
    `\t\t<div id="div:{${createdMs}}{1}" data-id="_default" style="position:absolute;left:48px;top:115px;width:624px">\n` +
    `${bodyHtml}\n\t\t</div>\n\t</body>\n</html>\n`
  );
}

export function seedOneNote(user: DirectoryUser, baseMs: number): OneNoteState {
  const rng = createRng(`onenote:${user.id}`);
  const first = user.displayName.split(' ')[0] ?? user.displayName;
  const state: OneNoteState = { notebooks: [], sections: [], pages: [] };
  const created = isoZ(baseMs - 300 * DAY_MS);
  const notebook = (displayName: string, isDefault: boolean): string => {
    const id = oneNoteId(rng);
    state.notebooks.push({ id, displayName, createdDateTime: created, lastModifiedDateTime: created, isDefault });
    return id;
  };
  const section = (notebookId: string, displayName: string, group?: string): void => {
    const s: OneNoteSection = {
      id: oneNoteId(rng),
      displayName,
      notebookId,
      sectionGroup: group ? { id: oneNoteId(rng), displayName: group } : null,
      createdDateTime: created,
      lastModifiedDateTime: created,
      isDefault: displayName === 'Quick Notes',
    };
    state.sections.push(s);
    (PAGES[displayName] ?? []).forEach(([title, paragraphs], i) => {
      const at = baseMs - rng.int(1, 40) * DAY_MS - rng.int(0, 23) * HOUR_MS;
      const page: OneNotePage = {
        id: `${oneNoteId(rng)}!${rng.int(1, 99)}-${s.id.slice(2)}`,
        sectionId: s.id,
        title,
        createdDateTime: isoZ(at),
        lastModifiedDateTime: isoZ(at + HOUR_MS),
        createdByAppId: '',
        level: 0,
        order: i,
        html: oneNoteHtml(
          title,
          paragraphs
            .map(
              (p, j) => `\t\t\t<p id="p:{${at}}{${j}}" style="margin-top:0pt;margin-bottom:0pt">${escapeHtml(p)}</p>`,
            )
            .join('\n'),
          at,
        ),
      };
      state.pages.push(page);
      if (page.lastModifiedDateTime > s.lastModifiedDateTime) s.lastModifiedDateTime = page.lastModifiedDateTime;
    });
  };
  const mine = notebook(`${first}'s Notebook`, true);
  section(mine, 'Quick Notes');
  section(mine, 'Meetings');
  section(mine, 'Falcon', 'Projects');
  const research = notebook('Mark 8 Research', false);
  section(research, 'Ideas');
  section(research, 'Competitors');
  return state;
}
