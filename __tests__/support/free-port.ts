/** A TCP port free on 127.0.0.1 right now, for servers a test starts itself: the one perf-gate uses for duet arms. */
export { freeLoopbackPort as freePort } from '../../src/run/load/free-port.js'
