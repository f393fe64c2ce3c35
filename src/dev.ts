/**
 * `npm start`: the six mock backends on their default ports (4001–4006), then the BFF on
 * 4000 pointed at them. Nothing else needed: no Docker, no Redis.
 */
import { startMockBackends } from '../mocks/index.js';
import { main } from './main.js';

await main(async () => {
  const mocks = await startMockBackends();
  console.log(`mock backends: ${Object.entries(mocks.urls).map(([name, url]) => `${name} ${url}`).join(', ')}`);
  return mocks;
});
