/**
 * OneNote entities as the emulator keeps them per user: notebooks, sections (each in a notebook,
 * some in a section group) and pages whose content is OneNote's output HTML.
 */

export interface OneNoteNotebook {
  id: string;
  displayName: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  isDefault: boolean;
}

export interface OneNoteSection {
  id: string;
  displayName: string;
  notebookId: string;
  /** The section group it sits in (sections of a group are not "directly under" the notebook). */
  sectionGroup: { id: string; displayName: string } | null;
  createdDateTime: string;
  lastModifiedDateTime: string;
  isDefault: boolean;
}

export interface OneNotePage {
  id: string;
  sectionId: string;
  title: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  createdByAppId: string;
  level: number;
  order: number;
  /** The page as `GET …/pages/{id}/content` returns it. */
  html: string;
}

export interface OneNoteState {
  notebooks: OneNoteNotebook[];
  sections: OneNoteSection[];
  pages: OneNotePage[];
}
