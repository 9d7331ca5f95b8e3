{
 "StartAt": "A",
 "States": {
  "A": {
   "Type": "Pass",
   "Next": "B",
   "End": true
  },
  "B": {
   "Type": "Pass",
   "End": true
  }
 }
}