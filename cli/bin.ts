import { main } from './main.ts'

// Exit explicitly: a plugin's stray timer must not keep a finished command alive.
main(process.argv.slice(2)).then((code) => process.exit(code))
