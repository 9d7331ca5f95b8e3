{
 "StartAt": "A",
 "States": {
  "A": {
   "Type": "Pass",
   "Next": "B"
  },
  "B": {
   "Type": "Pass",
   "Next": "A"
  },
  "C": {
   "Type": "Pass",
   "Next": "A"
  }
 }
}