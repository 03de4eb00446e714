import { describe, expect, it } from 'vitest';
import { forwardUrl } from '../../src/global/global-endpoint.js';

describe('forwarding URL of the global endpoint', () => {
  it('keeps the host of the region whatever the request target says', () => {
    const region = 'https://localhost:7421';
    expect(forwardUrl(region, '/aos/jobs?top=2')).toBe('https://localhost:7421/aos/jobs?top=2');
    expect(forwardUrl(region, '//evil.example/aos/jobs?top=2')).toBe('https://localhost:7421/evil.example/aos/jobs?top=2');
    expect(forwardUrl(region, 'https://evil.example/aos/jobs')).toBe('https://localhost:7421/aos/jobs');
    expect(forwardUrl(`${region}/`, '/a/../b?x=1#frag')).toBe('https://localhost:7421/b?x=1');
  });
});
