# modbus-emu as a container image (docs/fleets.md): docker build -t modbus-emu:0.1.0 .
# What it runs is checked without a Docker engine by scripts/check-packed.mjs (.ci/run): the
# packed package installed with production dependencies only, started with ENTRYPOINT + CMD,
# its HEALTHCHECK command run against it.

# Stage 1: build and pack the package as npm would publish it.
FROM node:20-bookworm-slim AS pack
WORKDIR /src
COPY . .
RUN npm ci --no-audit --no-fund && npm pack --pack-destination /tmp && mv /tmp/modbus-emu-*.tgz /tmp/modbus-emu.tgz

# Stage 2: the packed package and its production dependencies only, run as the image's
# unprivileged user `node` (uid 1000).
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=pack /tmp/modbus-emu.tgz /tmp/modbus-emu.tgz
RUN echo '{"name":"modbus-emu-image","private":true}' > package.json \
 && npm install --omit=dev --no-audit --no-fund /tmp/modbus-emu.tgz \
 && rm /tmp/modbus-emu.tgz \
 && npm cache clean --force
ENV PATH=/app/node_modules/.bin:$PATH
USER node
# Modbus (the default device's port; a fleet's ports are its own) and the control channel.
EXPOSE 5020 8502
# The control channel's /health needs no token and answers on loopback inside the container.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s CMD ["node", "-e", "fetch('http://127.0.0.1:8502/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["modbus-emu"]
# The bundled pump by default; a fleet: docker run ... modbus-emu:0.1.0 /fleet/fleet.yaml --host 0.0.0.0 --control 127.0.0.1:8502
CMD ["pump", "--host", "0.0.0.0", "--port", "5020", "--control", "127.0.0.1:8502"]
