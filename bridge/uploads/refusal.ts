/**
 * The one text every local-file refusal before an approval gets, whatever the reason and whether or
 * not the file exists: it names the rules and the allowed folders, never the file or why.
 */
import { ToolError } from '../tools/tool.ts';

export function localFileRefusal(allowedFolders: readonly string[]): ToolError {
  const folders = allowedFolders.length > 0 ? allowedFolders.join(', ') : 'none are allowed';
  return new ToolError(
    'LOCAL_FILE_REFUSED',
    `Graph Bridge will not upload that local file, and nothing was sent. It uploads only existing regular files ` +
      `inside the folders the user allowed for uploads (${folders.slice(0, 1500)}), never hidden files or folders, ` +
      "Graph Bridge's own folders, or key, credential and token-cache files. Use a file inside one of those " +
      'folders. If the user wants to upload from another folder, they add it to "uploadFolders" in the Graph ' +
      'Bridge settings file.',
  );
}
