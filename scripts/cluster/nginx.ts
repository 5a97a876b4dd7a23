/**
 * The nginx in front of the API nodes: its configuration, written into a temporary prefix so it runs as
 * an ordinary child process (`nginx -p <prefix> -c nginx.conf -e <logDir>/nginx-error.log`), with no path
 * outside the prefix but the launcher's log directory (Debian's build compiles in /var/lib/nginx and
 * /var/log/nginx; every one is overridden here).
 * Layout and reasons: docs/operations.md "Running a cluster".
 */
import { existsSync } from 'node:fs';

export interface NginxLayout {
  listenPort: number;
  upstreamPorts: number[];
  /** Bytes a request body may have: the API's attachment limit with room for the multipart envelope. */
  maxBodyMb: number;
  /** Where the access and error logs go (the launcher's log directory: they outlive the prefix). */
  logDir: string;
}

/** Debian's nginx binary (scripts/ensure-nginx.sh installs it). */
export function nginxBinary(): string {
  for (const p of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (existsSync(p)) return p;
  throw new Error('nginx is not installed: run `bash scripts/ensure-nginx.sh` (Debian’s nginx package)');
}

export function nginxConf(layout: NginxLayout): string {
  const servers = layout.upstreamPorts
    .map(
      // Passive health: one failed connection takes a node out for 2 s, then nginx tries it again.
      (port) => `    server 127.0.0.1:${port} max_fails=1 fail_timeout=2s;`,
    )
    .join('\n');
  // Repeated in each location: a location with any proxy_set_header inherits none from the server.
  const forwarded = [
    'proxy_set_header Host $http_host;',
    'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    'proxy_set_header X-Forwarded-Proto $scheme;',
  ]
    .map((line) => `      ${line}`)
    .join('\n');
  return `# Written by scripts/cluster/cluster.ts; regenerated at every start.
worker_processes 1;
pid logs/nginx.pid;
# crit, not warn or error: nginx's upstream errors quote the request line, and /ws?token=… carries a bearer
# token that no log may keep. Which node failed is in the access log ($upstream_addr, $upstream_status).
error_log "${layout.logDir}/nginx-error.log" crit;
events { worker_connections 8192; }

http {
  # Which node answered each request, its status and time: the first place to look after a fault.
  # $uri, not $request: the query string may hold a bearer token (/ws?token=…), which no log may keep.
  log_format upstream '$remote_addr [$time_local] "$request_method $uri" $status $body_bytes_sent $request_time '
                      'upstream=$upstream_addr $upstream_status $upstream_response_time';
  access_log "${layout.logDir}/nginx-access.log" upstream;
  client_body_temp_path temp/body;
  proxy_temp_path temp/proxy;
  fastcgi_temp_path temp/fastcgi;
  uwsgi_temp_path temp/uwsgi;
  scgi_temp_path temp/scgi;
  client_max_body_size ${layout.maxBodyMb}m;
  server_tokens off;

  upstream yunyi {
${servers}
    # Idle connections kept open to the nodes: no TCP handshake per request under load.
    keepalive 64;
  }

  map $http_upgrade $connection_upgrade {
    default upgrade;
    '' '';
  }

  server {
    listen 127.0.0.1:${layout.listenPort};

    proxy_http_version 1.1;
    proxy_connect_timeout 2s;
    # A node that refuses or drops the connection: the request goes to the next node, but only when
    # that cannot do it twice. nginx never resends a POST/PATCH that reached a node (no non_idempotent
    # here); the client retries those with its Idempotency-Key, and the API answers the first result.
    proxy_next_upstream error timeout;
    proxy_next_upstream_tries 3;
    # Which node answered: operators read it in the access log, the fault tests in the header.
    add_header X-Yunyi-Upstream $upstream_addr always;

    location /ws {
      proxy_pass http://yunyi;
${forwarded}
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      # A visit socket stays open for hours; the client pings, the server rechecks its session.
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
    }

    location / {
      proxy_pass http://yunyi;
${forwarded}
      # Empty Connection header: the upstream connection stays in the keepalive pool.
      proxy_set_header Connection "";
      proxy_read_timeout 60s;
    }
  }
}
`;
}
