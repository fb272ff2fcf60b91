// A Content-Type from an object's name when the client sends none (Python's mimetypes, the common part).
const TYPES: Record<string, string> = {
  txt: 'text/plain', text: 'text/plain', log: 'text/plain', conf: 'text/plain', ini: 'text/plain', md: 'text/markdown', csv: 'text/csv',
  html: 'text/html', htm: 'text/html', css: 'text/css', js: 'text/javascript', mjs: 'text/javascript', xml: 'text/xml',
  json: 'application/json', pdf: 'application/pdf', zip: 'application/zip', gz: 'application/gzip', tgz: 'application/gzip',
  tar: 'application/x-tar', bz2: 'application/x-bzip2', xz: 'application/x-xz', iso: 'application/x-iso9660-image',
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', svg: 'image/svg+xml', ico: 'image/vnd.microsoft.icon',
  webp: 'image/webp', bmp: 'image/bmp', tif: 'image/tiff', tiff: 'image/tiff',
  mp3: 'audio/mpeg', wav: 'audio/x-wav', ogg: 'audio/ogg', mp4: 'video/mp4', mpeg: 'video/mpeg', mov: 'video/quicktime', webm: 'video/webm',
  py: 'text/x-python', sh: 'application/x-sh', c: 'text/plain', h: 'text/plain', yaml: 'application/yaml', yml: 'application/yaml',
  doc: 'application/msword', xls: 'application/vnd.ms-excel', ppt: 'application/vnd.ms-powerpoint', wasm: 'application/wasm',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export function guessContentType(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return (dot > 0 ? TYPES[base.slice(dot + 1).toLowerCase()] : undefined) ?? 'application/octet-stream';
}
