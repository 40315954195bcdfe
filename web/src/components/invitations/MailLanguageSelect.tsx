// The invitation mail's language, for people who have no account yet (SPEC §6.6): each language
// named in itself. Inside a Form.Item, which gives it its label, value and onChange.
import { Select } from "antd";
import { LANGUAGE_OPTIONS, type Language } from "../../i18n";

export function MailLanguageSelect(props: {
  id?: string;
  value?: Language;
  onChange?: (language: Language) => void;
}) {
  return <Select<Language> {...props} options={LANGUAGE_OPTIONS} style={{ maxWidth: 200 }} />;
}
