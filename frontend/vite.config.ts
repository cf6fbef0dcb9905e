/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

export default defineConfig({
  plugins: [react()],
  server: { proxy: { "/api": "http://127.0.0.1:8000", "/readyz": "http://127.0.0.1:8000" } },
  test: { environment: "jsdom", globals: true },
});
