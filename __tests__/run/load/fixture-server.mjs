// A server for lifecycle tests: `node fixture-server.mjs PORT [DIE_AFTER_MS]`. It starts a grandchild that
// lives as long as it is not killed (to check the whole process group is stopped) and prints both pids.
import { spawn } from 'node:child_process'
import { createServer } from 'node:http'

const [port, dieAfterMs] = process.argv.slice(2).map(Number)
const helper = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
const hoard = []
createServer((request, response) => {
  hoard.push(Buffer.alloc(1024, 1))
  if (process.env.LOG_EVERY_REQUEST) console.log(`request ${request.method} ${request.url}`)
  response.end('ok')
}).listen(port, '127.0.0.1', () => {
  console.log(`server pid ${process.pid} helper pid ${helper.pid} listening on ${port}`)
})
if (dieAfterMs) {
  setTimeout(() => {
    console.error('fixture server: giving up now')
    process.exit(7)
  }, dieAfterMs)
}
