{
 "StartAt": "A",
 "States": {
  "A": {
   "Type": "Pass",
   "End": true
  },
  "B": {
   "Type": "Pass",
   "End": true
  }
 }
}