// A catalogue's text looked up without i18next, for the wording functions that also run outside the
// page (their tests run in Node): "a.b" in a catalogue object, with its {{placeholders}} filled in.

/** What the wording functions need of i18next's `t`: a key and its values give the text. */
export type Translate = (key: string, values?: Record<string, unknown>) => string;

export function textsOf(catalogue: object): Translate {
  return (key, values = {}) => {
    let node: unknown = catalogue;
    for (const part of key.split(".")) node = (node as Record<string, unknown> | undefined)?.[part];
    if (typeof node !== "string") return key;
    return node.replaceAll(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => String(values[name] ?? ""));
  };
}
