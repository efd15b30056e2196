// A WebDAV server for tests and benchmarks: webdav-server (v2 API) started in-process on
// 127.0.0.1 with a free port, Basic authentication for one user, and a physical folder
// in a temporary directory as its storage. close() stops it and removes the folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { v2 as webdav } from 'webdav-server';

export interface WebDavTestServer {
  /** http://127.0.0.1:<port> — the root collection. */
  url: string;
  port: number;
  username: string;
  password: string;
  /** The folder on disk behind the root collection. */
  directory: string;
  close(): Promise<void>;
}

export async function startWebDavServer(options: { username?: string; password?: string } = {}): Promise<WebDavTestServer> {
  const username = options.username ?? 'keepsake';
  const password = options.password ?? 'test-password-not-secret';
  const directory = mkdtempSync(join(tmpdir(), 'keepsake-webdav-'));
  const users = new webdav.SimpleUserManager();
  const user = users.addUser(username, password, false);
  const privileges = new webdav.SimplePathPrivilegeManager();
  privileges.setRights(user, '/', ['all']);
  const server = new webdav.WebDAVServer({
    hostname: '127.0.0.1',
    requireAuthentification: true,
    httpAuthentication: new webdav.HTTPBasicAuthentication(users, 'keepsake-test'),
    privilegeManager: privileges,
    rootFileSystem: new webdav.PhysicalFileSystem(directory),
  });
  // webdav-server's own start() treats port 0 as "use 1900"; serve it from our own
  // listener on a free port instead, so parallel test files never collide.
  const http = createServer((req, res) => server.executeRequest(req, res));
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  let closed = false;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    username,
    password,
    directory,
    async close() {
      if (closed) return;
      closed = true;
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
