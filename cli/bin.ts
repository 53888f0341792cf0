#!/usr/bin/env node
import { main } from './main.ts'

// A reader that went away (`chat listen | head -1`) ends the command quietly, as it does for cat.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0)
  throw error
})

// Exit explicitly: a plugin's stray timer must not keep a finished command alive.
main(process.argv.slice(2)).then((code) => process.exit(code))
