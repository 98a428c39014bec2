// A valid mainland resident ID number (GB 11643-1999 check digit), for registering a test household.
export function residentIdNumber(area = '310112', birth = '19450312', seq = String(100 + Math.floor(Math.random() * 899))) {
  const body = `${area}${birth}${seq}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}
