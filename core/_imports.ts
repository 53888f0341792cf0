/** `from '...'`, `import '...'`, `import('...')`, `require('...')`: the lead, the quote, the specifier. */
const SPECIFIER = /(\bfrom\s*|\b(?:import|require)\s*\(?\s*)(['"])([^'"\n]+)\2/g

/** The specifiers a module's source imports, read from the text (no parse: any runtime, any syntax). */
export function importSpecifiers(source: string): string[] {
  return [...source.matchAll(SPECIFIER)].map((match) => match[3]!)
}

/** The source with each specifier that `replace` answers for replaced (the rest left as they are). */
export function replaceImports(source: string, replace: (specifier: string) => string | undefined): string {
  return source.replace(SPECIFIER, (whole, lead: string, quote: string, specifier: string) => {
    const to = replace(specifier)
    return to === undefined ? whole : `${lead}${quote}${to}${quote}`
  })
}
