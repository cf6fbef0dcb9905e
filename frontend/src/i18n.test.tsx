import { act, render } from "@testing-library/react";
import { I18nProvider, useI18n } from "./i18n";

afterEach(() => {
  localStorage.clear();
  document.documentElement.lang = "en";
});

function Switch() {
  const { setLanguage } = useI18n();
  return (
    <button type="button" onClick={() => setLanguage("en")}>
      en
    </button>
  );
}

test("the page's lang attribute follows a saved Korean choice from the first render, and a switch", () => {
  localStorage.setItem("interview.language", "ko");
  const { getByRole } = render(
    <I18nProvider>
      <Switch />
    </I18nProvider>,
  );
  expect(document.documentElement.lang).toBe("ko");
  act(() => getByRole("button").click());
  expect(document.documentElement.lang).toBe("en");
});
