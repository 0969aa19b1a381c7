/** The exception code a client request answers (modbus-serial rejects with `modbusCode`), or undefined when it succeeds. */
export async function exceptionOf(request: () => Promise<unknown>): Promise<number | undefined> {
  try {
    await request();
    return undefined;
  } catch (error) {
    const code = (error as { modbusCode?: number }).modbusCode;
    if (code === undefined) throw error;
    return code;
  }
}
