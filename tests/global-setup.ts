// Integration and browser tests run the real production build: make sure it is current.
import { buildIfNeeded } from "../scripts/build-if-needed";

export default function setup() {
  if (!buildIfNeeded()) throw new Error("next build failed: the integration tests need a working build");
}
