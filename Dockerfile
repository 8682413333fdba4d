# Image for the worker and the API (same code, different command).
FROM node:22-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# the workflow bundle, built once (WORKER_WORKFLOW_BUNDLE points the worker at it)
RUN npm run build:workflows
ENV NODE_ENV=production
EXPOSE 3000
CMD ["npm", "run", "api"]
