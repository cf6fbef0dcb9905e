import { render, screen } from "@testing-library/react";
import { PlatformStatus } from "./App";

describe("PlatformStatus", () => {
  it("lists each queue with its workers", () => {
    render(
      <PlatformStatus
        readiness={{ ready: true, queues: [{ queue: "gpu_queue", workers: ["gpu@host"] }, { queue: "cpu_queue", workers: [] }] }}
        error={null}
      />,
    );
    expect(screen.getByText("Ready")).toBeTruthy();
    expect(screen.getByText("gpu_queue: gpu@host")).toBeTruthy();
    expect(screen.getByText("cpu_queue: no worker")).toBeTruthy();
  });

  it("says in words when the status cannot be read", () => {
    render(<PlatformStatus readiness={null} error="offline" />);
    expect(screen.getByRole("alert").textContent).toContain("offline");
  });
});
