/**
 * The most Graph Bridge saves from one download (a file, an attachment, a `graph_request` of
 * `…/content`): counted on the bytes received while streaming, so a body larger than it says is
 * stopped too (GraphApi.downloadToFile).
 */
export const MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024;
