// "Rename" of one second factor. Like every change of factors it needs a fresh verification, which the
// API client's step-up window asks for when the server does.
import { Alert, App, Form, Input, type InputRef, Modal } from "antd";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { useRenameFactor } from "../../api/mfaQueries";
import type { SecondFactor } from "../../api/types";
import { describeError } from "../errorMessages";

interface NameForm {
  name: string;
}

export function RenameFactorModal({ factor, onClose }: { factor: SecondFactor | null; onClose: () => void }) {
  const { t } = useTranslation("security");
  const { message } = App.useApp();
  const rename = useRenameFactor();
  const [form] = Form.useForm<NameForm>();
  const nameInput = useRef<InputRef>(null);

  // A new window starts without the last one's failure.
  useEffect(() => {
    if (factor !== null) rename.reset();
  }, [factor, rename.reset]);

  const save = ({ name }: NameForm) => {
    if (factor === null || rename.isPending) return;
    rename.mutate(
      { factorId: factor.id, name: name.trim() },
      {
        onSuccess: () => {
          void message.success(t("factors.renamed"));
          onClose();
        },
      },
    );
  };

  return (
    <Modal
      title={t("factors.renameTitle")}
      open={factor !== null}
      onCancel={onClose}
      okText={t("factors.save")}
      onOk={() => form.submit()}
      okButtonProps={{ loading: rename.isPending }}
      maskClosable={!rename.isPending}
      afterOpenChange={(open) => {
        if (open) nameInput.current?.select();
      }}
      destroyOnHidden
    >
      <Form<NameForm>
        form={form}
        name="rename-factor"
        layout="vertical"
        requiredMark={false}
        initialValues={{ name: factor?.name ?? "" }}
        onFinish={save}
      >
        <Form.Item
          name="name"
          label={t("factors.name")}
          rules={[
            { required: true, whitespace: true, message: t("factors.enterName") },
            { max: 60, message: t("totp.nameTooLong") },
          ]}
        >
          <Input ref={nameInput} maxLength={60} autoComplete="off" />
        </Form.Item>
      </Form>
      {rename.isError && <Alert type="error" showIcon message={describeError(rename.error)} />}
    </Modal>
  );
}
