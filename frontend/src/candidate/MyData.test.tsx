import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { DataDeletionResult } from "../api/client";
import { I18nProvider } from "../i18n";
import { MyDataView, type MyDataViewProps } from "./MyData";

const deleted: DataDeletionResult = {
  interviews_deleted: 1, resumes_deleted: 1, audio_files_deleted: 1, frame_files_deleted: 3, account_deleted: true,
};

function renderView(overrides: Partial<MyDataViewProps> = {}) {
  const props: MyDataViewProps = {
    onExport: vi.fn(),
    onDelete: vi.fn().mockResolvedValue(deleted),
    onDeleted: vi.fn(),
    ...overrides,
  };
  render(
    <I18nProvider language="en">
      <MyDataView {...props} />
    </I18nProvider>,
  );
  return props;
}

test("deleting asks for the current password and sends it", async () => {
  const props = renderView();
  fireEvent.click(screen.getByRole("button", { name: "Delete my data" }));
  const confirm = screen.getByRole<HTMLButtonElement>("button", { name: "Delete everything" });
  expect(confirm.disabled).toBe(true);
  fireEvent.change(screen.getByLabelText("Current password"), { target: { value: "my passphrase" } });
  fireEvent.click(confirm);
  await waitFor(() => expect(props.onDeleted).toHaveBeenCalled());
  expect(props.onDelete).toHaveBeenCalledWith("my passphrase");
});

test("a wrong password is shown and nothing is signed out", async () => {
  const props = renderView({ onDelete: vi.fn().mockRejectedValue(new Error("The current password is incorrect.")) });
  fireEvent.click(screen.getByRole("button", { name: "Delete my data" }));
  fireEvent.change(screen.getByLabelText("Current password"), { target: { value: "wrong" } });
  fireEvent.click(screen.getByRole("button", { name: "Delete everything" }));
  expect((await screen.findByRole("alert")).textContent).toContain("The current password is incorrect.");
  expect(props.onDeleted).not.toHaveBeenCalled();
});

test("the deletion step has a Cancel that backs out without deleting", () => {
  const props = renderView();
  fireEvent.click(screen.getByRole("button", { name: "Delete my data" }));
  expect(screen.getByRole("button", { name: "Delete everything" }).classList.contains("danger")).toBe(true);
  fireEvent.change(screen.getByLabelText("Current password"), { target: { value: "typed" } });
  fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
  expect(screen.queryByLabelText("Current password")).toBeNull();
  expect(props.onDelete).not.toHaveBeenCalled();
  // Opened again, the password typed before is gone.
  fireEvent.click(screen.getByRole("button", { name: "Delete my data" }));
  expect(screen.getByLabelText<HTMLInputElement>("Current password").value).toBe("");
});
