// PGlite keeps its files in DATA_DIR and must have one process at a time: the server and
// the admin CLI take this lock file and refuse to open a directory another live process holds.
import fs from "node:fs";
import path from "node:path";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function lockDataDir(dataDir: string, holder: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, "portal.lock");
  if (fs.existsSync(lockFile)) {
    const [pidText, otherHolder] = fs.readFileSync(lockFile, "utf8").split("\n");
    const pid = Number(pidText);
    if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
      throw new Error(
        `${dataDir} is in use by ${otherHolder ?? "another process"} (pid ${pid}); stop it first, or use PostgreSQL (DATABASE_URL).`,
      );
    }
  }
  fs.writeFileSync(lockFile, `${process.pid}\n${holder}\n`);
  return () => {
    try {
      if (fs.readFileSync(lockFile, "utf8").startsWith(`${process.pid}\n`)) fs.unlinkSync(lockFile);
    } catch {
      // already gone
    }
  };
}
