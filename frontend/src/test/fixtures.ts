/** Answers several screens' tests share. */

/** 江川路街道, the street of the demo workstation staff. */
export const STAFF_STREET = 'UmVnaW9uOjI=';

/** The `Me` answer for workstation staff of 江川路街道 (staff.jiangchuan@huzhu.demo in the demo). */
export const staffMe = {
  me: {
    id: 'VXNlcjox',
    email: 'staff@huzhu.demo',
    displayName: '王平明',
    language: 'zh-hans',
    isSuperuser: false,
    roles: [{ role: 'workstation_staff', region: { id: STAFF_STREET, name: '江川路街道', level: 'street' } }],
  },
};
