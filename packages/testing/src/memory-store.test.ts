import { MemorySessionStore } from '@chorale/core';
import { testStore } from './store.js';

testStore(() => new MemorySessionStore());
