// An address the app has no page for: said plainly, with the way home.
import { useI18n } from "./i18n";
import { Link } from "./router";

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <section className="narrow not-found" aria-labelledby="not-found-title">
      <h1 id="not-found-title">{t("notFoundTitle")}</h1>
      <p>{t("notFoundBody")}</p>
      <Link href="/">{t("notFoundHome")}</Link>
    </section>
  );
}
