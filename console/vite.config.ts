// The bundle is built into the Python package, which serves it at /console (same origin
// as /graphql, so no CORS and no request to any other host).
import { defineConfig } from "vite";

export default defineConfig({
  base: "/console/",
  publicDir: "generated-public",
  build: {
    outDir: "../portcullis/console_bundle",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
  },
});
