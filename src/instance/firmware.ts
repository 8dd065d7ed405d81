/**
 * @module Which firmware a q35 portal boots with, from Debian's own packages: OVMF (UEFI; its code read-only,
 * a copy of the variable store per portal in the run folder, so UEFI variables are as throwaway as the
 * overlay) or SeaBIOS (legacy BIOS). Both load the kernel QEMU is given (`-kernel`): OVMF as an EFI stub
 * application, SeaBIOS through its Linux loader, so the portal boots Debian's bzImage, not the PVH vmlinux
 * that `direct` boot uses. A TPM needs one of them: without firmware the guest has no TPM2 ACPI table.
 * Pure: no I/O.
 */
import type { Manifest } from '../formula/index.js';

/** Debian's firmware files (packages ovmf and seabios): the non-secure-boot 4 MiB OVMF build. */
export const FIRMWARE_FILES = {
  ovmfCode: '/usr/share/OVMF/OVMF_CODE_4M.fd',
  ovmfVarsTemplate: '/usr/share/OVMF/OVMF_VARS_4M.fd',
  seabios: '/usr/share/seabios/bios-256k.bin',
} as const;

/** The firmware files one boot uses. */
export type FirmwarePlan =
  | { readonly kind: 'ovmf'; readonly code: string; readonly vars: string }
  | { readonly kind: 'seabios'; readonly bios: string };

/** The firmware of a portal whose run folder is `runDir`, or null for a direct kernel boot. */
export function planFirmware(firmware: Manifest['boot']['firmware'], runDir: string): FirmwarePlan | null {
  switch (firmware) {
    case 'direct':
      return null;
    case 'ovmf':
      return { kind: 'ovmf', code: FIRMWARE_FILES.ovmfCode, vars: `${runDir}/OVMF_VARS.fd` };
    case 'seabios':
      return { kind: 'seabios', bios: FIRMWARE_FILES.seabios };
  }
}

/** The Debian package that carries a firmware, for messages. */
export function firmwarePackage(kind: FirmwarePlan['kind']): string {
  return kind === 'ovmf' ? 'ovmf' : 'seabios';
}
